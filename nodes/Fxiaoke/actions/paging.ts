import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { nodeParameter } from './parameters';
import { inputError } from './validation';

/**
 * Return All and Limit for a Get Many of `resource` (CRM Object, Employee, Department); `limitHint`
 * says which records a limit returns, where that is not obvious.
 */
export function pagingFields(resource: string, limitHint = ''): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { resource: [resource], operation: ['getAll'] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			...(limitHint ? { hint: limitHint } : {}),
			displayOptions: { show: { resource: [resource], operation: ['getAll'], returnAll: [false] } },
		},
	];
}

/** How many results a Get Many returns: Infinity with Return All. */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	if (nodeParameter(ctx, 'returnAll', itemIndex, false) === true) return Infinity;
	const limit = nodeParameter(ctx, 'limit', itemIndex, 50);
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw inputError(ctx, itemIndex, { label: 'Limit', name: 'limit' }, `must be a whole number of at least 1, not ${String(limit)},`);
	}
	return limit;
}
