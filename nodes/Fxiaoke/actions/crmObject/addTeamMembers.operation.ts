import { teamFields, teamPrepare } from './team';

export const description = teamFields('addTeamMembers');

export const prepare = teamPrepare('addTeamMembers');
