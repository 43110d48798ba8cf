import { decide, decisionFields } from './decide';

export const description = decisionFields('reject');

/** Reject: the task's approvalResult "reject". */
export const prepare = decide('reject');
