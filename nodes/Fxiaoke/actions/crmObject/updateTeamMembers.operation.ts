import { teamFields, teamPrepare } from './team';

export const description = teamFields('updateTeamMembers');

export const prepare = teamPrepare('updateTeamMembers');
