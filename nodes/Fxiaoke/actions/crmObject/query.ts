import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { fxiaokeApiRequest, type FxiaokeEnvelope, type RequestOptions } from '../../transport';
import type { FxiaokeContext } from '../../transport/context';
import { dataPath } from './paths';

/** One record by its _id (POST …/data/get): Fxiaoke's envelope, the record in `data`. */
export async function getRecord(ctx: FxiaokeContext, itemIndex: number, apiName: string, recordId: string, options: RequestOptions): Promise<FxiaokeEnvelope> {
	const body = { data: { dataObjectApiName: apiName, objectDataId: recordId } };
	// A read changes nothing: it may be retried like a revoke.
	return await fxiaokeApiRequest.call(ctx, dataPath(apiName, 'get'), body, itemIndex, { ...options, idempotent: true });
}

/** Fxiaoke's largest page, and the largest offset it accepts (above it: errorCode 10013). */
export const PAGE_LIMIT = 100;
export const MAX_OFFSET = 10_000;

export interface QueryFilter {
	field_name: string;
	field_values: unknown[];
	operator: string;
}

export interface QuerySpec {
	filters: QueryFilter[];
	orders: Array<{ fieldName: string; isAsc: boolean }>;
	fieldProjection: string[];
	/** Other keys of a raw search_query_info, passed on as they are. */
	extra: IDataObject;
}

export async function queryPage(
	ctx: FxiaokeContext,
	itemIndex: number,
	apiName: string,
	info: IDataObject,
	withTotal: boolean,
	options: RequestOptions,
): Promise<{ records: IDataObject[]; total?: number }> {
	const body = { data: { dataObjectApiName: apiName, find_explicit_total_num: withTotal, search_query_info: info } };
	// A query changes nothing: it may be retried like a revoke.
	const envelope = await fxiaokeApiRequest.call(ctx, dataPath(apiName, 'query'), body, itemIndex, { ...options, idempotent: true });
	const data = envelope.data as IDataObject | undefined;
	if (!Array.isArray(data?.dataList)) {
		throw new NodeOperationError(ctx.getNode(), `Fxiaoke answered the query of ${apiName} without data.dataList in item ${itemIndex}`, {
			itemIndex,
			description: `Its answer: ${JSON.stringify(envelope).slice(0, 300)}`,
		});
	}
	return { records: data.dataList as IDataObject[], total: typeof data.total === 'number' ? data.total : undefined };
}

/**
 * Up to `max` records (Infinity: all). Without a sort of the user's, pages go by `_id` (sorted
 * ascending, the next page filtered `_id GT` the last one: Fxiaoke's deep-paging advice), so
 * paging never meets the 10,000 offset limit and loses or repeats nothing while records change.
 * With a sort, pages go by offset, and a result that would need an offset above 10,000 fails
 * before the first record is output.
 */
export async function queryRecords(
	ctx: FxiaokeContext,
	itemIndex: number,
	apiName: string,
	spec: QuerySpec,
	max: number,
	options: RequestOptions,
): Promise<IDataObject[]> {
	const limit = Math.min(PAGE_LIMIT, max);
	const byOffset = spec.orders.length > 0;
	// _id last, so that records equal in the sort keep one order from page to page.
	const orders = byOffset && !spec.orders.some((o) => o.fieldName === '_id') ? [...spec.orders, { fieldName: '_id', isAsc: true }] : spec.orders;
	const projection = spec.fieldProjection.length > 0 && !spec.fieldProjection.includes('_id') ? ['_id', ...spec.fieldProjection] : spec.fieldProjection;
	const base: IDataObject = { ...spec.extra, limit };
	if (projection.length > 0) base.fieldProjection = projection;
	const records: IDataObject[] = [];
	let offset = 0;
	let cursor: string | undefined;
	for (;;) {
		let info: IDataObject;
		if (byOffset) {
			info = { ...base, offset, filters: spec.filters, orders };
		} else {
			const after = cursor === undefined ? [] : [{ field_name: '_id', field_values: [cursor], operator: 'GT' }];
			info = { ...base, offset: 0, filters: [...spec.filters, ...after], orders: [{ fieldName: '_id', isAsc: true }] };
		}
		const first = records.length === 0 && offset === 0;
		const page = await queryPage(ctx, itemIndex, apiName, info, byOffset && first && max > MAX_OFFSET, options);
		if (byOffset && first && page.total !== undefined && Math.min(page.total, max) > MAX_OFFSET + limit) {
			throw new NodeOperationError(ctx.getNode(), `${page.total} records match, more than a sorted query can page through, in item ${itemIndex}`, {
				itemIndex,
				description: `Fxiaoke refuses offsets above ${MAX_OFFSET}. Remove the sort (records then come in _id order, all of them), narrow the filters, or set a limit of at most ${MAX_OFFSET + limit}.`,
			});
		}
		records.push(...page.records);
		if (records.length >= max || page.records.length < limit) break;
		if (byOffset) {
			offset += limit;
			if (offset > MAX_OFFSET) {
				// (Only when Fxiaoke gave no total: then the limit shows only here.)
				throw new NodeOperationError(ctx.getNode(), `More records match than a sorted query can page through, in item ${itemIndex}`, {
					itemIndex,
					description: `Fxiaoke refuses offsets above ${MAX_OFFSET}; ${records.length} records were read. Remove the sort (records then come in _id order, all of them), narrow the filters, or set a lower limit.`,
				});
			}
		} else {
			const last = page.records[page.records.length - 1]._id;
			if (typeof last !== 'string' || last === cursor) break;
			cursor = last;
		}
	}
	return records.slice(0, max);
}
