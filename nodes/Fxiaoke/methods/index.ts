import { getCreateFields, getFieldNames, getFileFields, getSalesRecordFields, getUpdateFields, getUpsertFields, searchObjects, searchPools, searchStages } from './crmObject';
import { searchEmployees } from './employee';

export const listSearch = { searchEmployees, searchObjects, searchPools, searchStages };
export const loadOptions = { getFieldNames, getFileFields };
export const resourceMapping = { getCreateFields, getSalesRecordFields, getUpdateFields, getUpsertFields };
