/** Custom objects (API name ending in __c) have their own data paths (API.md §12). */
export function isCustomObject(apiName: string): boolean {
	return apiName.endsWith('__c');
}

export type DataAction = 'create' | 'get' | 'query' | 'update' | 'invalid' | 'delete' | 'changeOwner';

export function dataPath(apiName: string, action: DataAction): string {
	return `${isCustomObject(apiName) ? '/cgi/crm/custom/v2/data' : '/cgi/crm/v2/data'}/${action}`;
}

export const OBJECT_LIST_PATH = '/cgi/crm/v2/object/list';
export const OBJECT_DESCRIBE_PATH = '/cgi/crm/v2/object/describe';
