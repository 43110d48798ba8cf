import { claimFromPool, claimFromPoolFields } from './pool';

export const description = claimFromPoolFields;

export const prepare = claimFromPool;
