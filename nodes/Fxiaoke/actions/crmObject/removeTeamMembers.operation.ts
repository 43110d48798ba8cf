import { teamFields, teamPrepare } from './team';

export const description = teamFields('removeTeamMembers');

export const prepare = teamPrepare('removeTeamMembers');
