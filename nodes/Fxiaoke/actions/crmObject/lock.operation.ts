import { lockFields, lockPrepare } from './lock';

export const description = lockFields('lock');

/** Lock: a locked record cannot be edited until it is unlocked. */
export const prepare = lockPrepare('lock');
