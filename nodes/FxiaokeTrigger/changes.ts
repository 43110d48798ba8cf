import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { PAGE_LIMIT, type QueryFilter } from '../Fxiaoke/actions/crmObject/query';

/*
 * Which CRM records changed since the last poll, each change once. Fxiaoke pushes no events
 * (API.md §12), so every poll asks for the records whose time field is at or after the mark minus an
 * overlap (records can become visible to queries a little after their time), reads them in
 * (time, _id) order, and drops what an earlier poll already emitted.
 */

export type TriggerEvent = 'created' | 'updated' | 'createdOrUpdated';

/** Re-read this much before the mark: a change can show in queries later than its timestamp. */
export const OVERLAP_MS = 60_000;
/** The most records remembered as emitted (the overlap's worth is needed), and watched-field hashes kept. */
export const MAX_SEEN = 20_000;
export const MAX_HASHES = 10_000;

/** What a poll keeps in the workflow's static data. */
export interface TriggerState {
	/** Which object and event the state belongs to; another one starts afresh. */
	key: string;
	/** The latest record time read completely (Fxiaoke's clock, ms). */
	mark: number;
	/** Record id → the time of its last emitted change (only those within the overlap). */
	seen: Record<string, number>;
	/** Record id → hash of its watched fields, oldest first. */
	hashes: Record<string, string>;
}

/** One page of records matching the filters, in the order asked. */
export type PageQuery = (filters: QueryFilter[], orders: Array<{ fieldName: string; isAsc: boolean }>) => Promise<IDataObject[]>;

export const timeFieldOf = (event: TriggerEvent) => (event === 'created' ? 'create_time' : 'last_modified_time');
const timeOf = (record: IDataObject, field: string) => (typeof record[field] === 'number' ? (record[field] as number) : Number(record[field]));

/**
 * Every record whose time field is at or after `from`, in (time, _id) order, by cursor: each page
 * starts at the last page's last time (offset 0 always, so no 10,000 limit); a page that is all one
 * time (more than a page of changes in one millisecond) is read on by `_id` within that time.
 */
export async function scanSince(query: PageQuery, filters: QueryFilter[], field: string, from: number): Promise<IDataObject[]> {
	const byTime = [{ fieldName: field, isAsc: true }, { fieldName: '_id', isAsc: true }];
	const found = new Map<string, IDataObject>();
	let after: QueryFilter = { field_name: field, field_values: [from], operator: 'GTE' };
	for (;;) {
		const page = await query([...filters, after], byTime);
		for (const record of page) found.set(String(record._id), record);
		if (page.length < PAGE_LIMIT) break;
		const last = timeOf(page[page.length - 1], field);
		if (timeOf(page[0], field) === last) {
			// A whole page in one millisecond: the rest of that millisecond by _id, then past it.
			let lastId = String(page[page.length - 1]._id);
			for (;;) {
				const same = await query(
					[...filters, { field_name: field, field_values: [last], operator: 'EQ' }, { field_name: '_id', field_values: [lastId], operator: 'GT' }],
					[{ fieldName: '_id', isAsc: true }],
				);
				for (const record of same) found.set(String(record._id), record);
				if (same.length < PAGE_LIMIT) break;
				lastId = String(same[same.length - 1]._id);
			}
			after = { field_name: field, field_values: [last], operator: 'GT' };
		} else {
			after = { field_name: field, field_values: [last], operator: 'GTE' };
		}
	}
	return [...found.values()].sort((a, b) => timeOf(a, field) - timeOf(b, field) || String(a._id).localeCompare(String(b._id)));
}

/** A short hash of the watched fields' values (order as given). */
export function watchedHash(record: IDataObject, watched: string[]): string {
	return createHash('sha256')
		.update(JSON.stringify(watched.map((name) => record[name] ?? null)))
		.digest('base64')
		.slice(0, 16);
}

/**
 * How far a record may move the mark: its event time, but never past its last_modified_time, which
 * Fxiaoke sets. A create_time can be set by the client (API.md §12, hasSpecifyTime): one a day ahead
 * would move the mark past every real change of that day, and those would never be read.
 */
export function markTimeOf(record: IDataObject, field: string): number {
	const time = timeOf(record, field);
	const written = timeOf(record, 'last_modified_time');
	return Number.isFinite(written) ? Math.min(time, written) : time;
}

/** Whether a record was changed after it was created (what Record Updated emits). */
export const changedSinceCreated = (record: IDataObject): boolean => timeOf(record, 'create_time') !== timeOf(record, 'last_modified_time');

/**
 * The records to emit, and the state after them. A record is emitted once per change: `created`
 * once per record; `updated` when its modification time is newer than the one emitted (a record
 * never changed since it was created is not an update) and, with watched fields, when their hash
 * differs from the one kept (a record first seen here has no hash yet: its change is emitted).
 */
export function newEvents(
	records: IDataObject[],
	state: TriggerState,
	event: TriggerEvent,
	watched: string[],
): { events: IDataObject[]; state: TriggerState } {
	const field = timeFieldOf(event);
	const seen = { ...state.seen };
	const hashes = { ...state.hashes };
	const events: IDataObject[] = [];
	let mark = state.mark;
	for (const record of records) {
		const id = String(record._id);
		const time = timeOf(record, field);
		if (!Number.isFinite(time)) continue;
		mark = Math.max(mark, markTimeOf(record, field));
		if (seen[id] !== undefined && seen[id] >= time) continue;
		seen[id] = time;
		const created = !changedSinceCreated(record);
		if (event === 'updated' && watched.length > 0) {
			const hash = watchedHash(record, watched);
			const before = hashes[id];
			delete hashes[id]; // re-inserted last: the newest hashes are kept when trimming
			hashes[id] = hash;
			if (created || before === hash) continue;
		} else if (event === 'updated' && created) {
			continue;
		}
		events.push(record);
	}
	return { events, state: { key: state.key, mark, seen: trimSeen(seen, mark - OVERLAP_MS), hashes: trimOldest(hashes, MAX_HASHES) } };
}

/** Drops what the next poll cannot read again (older than its start), then the oldest past MAX_SEEN. */
function trimSeen(seen: Record<string, number>, from: number): Record<string, number> {
	const kept = Object.entries(seen).filter(([, time]) => time >= from);
	kept.sort((a, b) => a[1] - b[1]);
	return Object.fromEntries(kept.slice(-MAX_SEEN));
}

function trimOldest<T>(map: Record<string, T>, max: number): Record<string, T> {
	const entries = Object.entries(map);
	return entries.length <= max ? map : Object.fromEntries(entries.slice(-max));
}
