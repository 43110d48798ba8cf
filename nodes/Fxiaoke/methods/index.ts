import { getCreateFields, getFieldNames, getUpdateFields, getUpsertFields, searchObjects } from './crmObject';
import { getEmployees } from './employee';

export const listSearch = { searchObjects };
export const loadOptions = { getEmployees, getFieldNames };
export const resourceMapping = { getCreateFields, getUpdateFields, getUpsertFields };
