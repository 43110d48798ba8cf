/** Custom objects (API name ending in __c) have their own data paths (API.md §12). */
export function isCustomObject(apiName: string): boolean {
	return apiName.endsWith('__c');
}

export type DataAction = 'create' | 'get' | 'query' | 'update' | 'invalid' | 'delete' | 'changeOwner' | 'recover';

export function dataPath(apiName: string, action: DataAction): string {
	return `${isCustomObject(apiName) ? '/cgi/crm/custom/v2/data' : '/cgi/crm/v2/data'}/${action}`;
}

/** Lock and unlock: one path for preset and custom objects (API.md §16). */
export const LOCK_PATHS = { lock: '/cgi/crm/v2/object/lock', unlock: '/cgi/crm/v2/object/unlock' } as const;

export const OBJECT_LIST_PATH = '/cgi/crm/v2/object/list';
export const OBJECT_DESCRIBE_PATH = '/cgi/crm/v2/object/describe';
