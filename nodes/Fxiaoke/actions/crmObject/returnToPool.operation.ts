import { returnToPool, returnToPoolFields } from './pool';

export const description = returnToPoolFields;

export const prepare = returnToPool;
