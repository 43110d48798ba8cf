import { decide, decisionFields } from './decide';

export const description = decisionFields('approve');

/** Approve: the task's approvalResult "agree". */
export const prepare = decide('agree');
