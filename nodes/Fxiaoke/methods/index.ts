import { getCreateFields, getFieldNames, getUpdateFields, getUpsertFields, searchObjects } from './crmObject';
import { searchEmployees } from './employee';

export const listSearch = { searchEmployees, searchObjects };
export const loadOptions = { getFieldNames };
export const resourceMapping = { getCreateFields, getUpdateFields, getUpsertFields };
