import { lockFields, lockPrepare } from './lock';

export const description = lockFields('unlock');

/** Unlock: the record can be edited again. */
export const prepare = lockPrepare('unlock');
