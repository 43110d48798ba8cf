import { getCreateFields, getFieldNames, getUpdateFields, getUpsertFields, searchObjects } from './crmObject';

export const listSearch = { searchObjects };
export const loadOptions = { getFieldNames };
export const resourceMapping = { getCreateFields, getUpdateFields, getUpsertFields };
