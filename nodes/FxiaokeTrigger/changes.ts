import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { PAGE_LIMIT, type QueryFilter } from '../Fxiaoke/actions/crmObject/query';

/*
 * Which CRM records changed since the last poll, each change once. Polling is the documented way to
 * see changes (API.md §12), so every poll asks for the records whose time field is at or after the
 * mark minus an overlap (records can become visible to queries a little after their time), reads
 * them in (time, _id) order, and drops what an earlier poll already emitted. A poll that stops early
 * (its event cap or time budget) saves a cursor at the last record it took; the next one goes on
 * from there.
 */

export type TriggerEvent = 'created' | 'updated' | 'createdOrUpdated';

/** Re-read this much before the mark: a change can show in queries later than its timestamp. */
export const OVERLAP_MS = 60_000;
/** The most records remembered as emitted (the overlap's worth is needed). */
export const MAX_SEEN = 20_000;
/**
 * The most records whose watched values are kept (about 40 bytes each in the workflow's static data,
 * which n8n saves after every poll that changes it): the most recently changed ones.
 */
export const MAX_HASHES = 10_000;

/** A place in (time, _id) order: the records after it. Without `id`, every record at `time` too. */
export interface Position {
	time: number;
	id?: string;
}

/** What a poll keeps in the workflow's static data. */
export interface TriggerState {
	/** Which object, event and watched fields the state belongs to; another one starts afresh. */
	key: string;
	/** The latest record time taken (Fxiaoke's clock, ms). */
	mark: number;
	/** Record id → the time of its last emitted change (only those within the overlap). */
	seen: Record<string, number>;
	/** Record id → hash of its watched fields, oldest first. */
	hashes: Record<string, string>;
	/** Set while a backlog drains: the last record taken; the next poll reads on after it. */
	cursor?: Position;
}

/** One page of records matching the filters, in the order asked. */
export type PageQuery = (filters: QueryFilter[], orders: Array<{ fieldName: string; isAsc: boolean }>) => Promise<IDataObject[]>;

/** The modification time's field: `last_modified_time`, but `last_modify_time` on the approval objects (API.md §15). */
export const MODIFIED = 'last_modified_time';
export const timeFieldOf = (event: TriggerEvent, modified = MODIFIED) => (event === 'created' ? 'create_time' : modified);
export const timeOf = (record: IDataObject, field: string) => (typeof record[field] === 'number' ? (record[field] as number) : Number(record[field]));

/** Whether `a` comes after `b` in the scan's order (descending when `ascending` is false). */
const after = <T extends number | string>(a: T, b: T, ascending: boolean) => (ascending ? a > b : a < b);

/** Whether `record` comes after `position` in (time, _id) order, or before it when `ascending` is false. */
function isPast(record: IDataObject, field: string, position: Position, ascending: boolean): boolean {
	const time = timeOf(record, field);
	if (time !== position.time) return after(time, position.time, ascending);
	return position.id === undefined || after(String(record._id), position.id, ascending);
}

/**
 * The records past `from` in (time, _id) order (descending when `ascending` is false), page by page,
 * by cursor: each query starts at the last page's last time (offset 0 always, so no 10,000 limit); a
 * page that is all one time (more than a page of changes in one millisecond) is read on by `_id`
 * within that time. The caller stops whenever it has enough.
 */
export async function* pagesPast(query: PageQuery, field: string, from: Position, ascending = true): AsyncGenerator<IDataObject[]> {
	const [atOrPast, past] = ascending ? ['GTE', 'GT'] : ['LTE', 'LT'];
	const byTime = [
		{ fieldName: field, isAsc: ascending },
		{ fieldName: '_id', isAsc: ascending },
	];
	let position = from;
	let timeDone = false; // every record at position.time was read
	for (;;) {
		const page = await query([{ field_name: field, field_values: [position.time], operator: timeDone ? past : atOrPast }], byTime);
		const fresh = page.filter((r) => Number.isFinite(timeOf(r, field)) && isPast(r, field, position, ascending));
		if (fresh.length > 0) yield fresh;
		if (page.length < PAGE_LIMIT) return;
		const last = page[page.length - 1];
		const time = timeOf(last, field);
		if (timeOf(page[0], field) !== time) {
			position = { time, id: String(last._id) };
			timeDone = false;
			continue;
		}
		// A whole page in one millisecond: the rest of that millisecond by _id, then past it.
		// (starting from the cursor when it lies further on in this millisecond)
		let lastId = String(last._id);
		if (position.time === time && position.id !== undefined && after(position.id, lastId, ascending)) lastId = position.id;
		for (;;) {
			const same = await query(
				[
					{ field_name: field, field_values: [time], operator: 'EQ' },
					{ field_name: '_id', field_values: [lastId], operator: past },
				],
				[{ fieldName: '_id', isAsc: ascending }],
			);
			if (same.length > 0) yield same;
			if (same.length < PAGE_LIMIT) break;
			lastId = String(same[same.length - 1]._id);
		}
		position = { time };
		timeDone = true;
	}
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
export function markTimeOf(record: IDataObject, field: string, modified = MODIFIED): number {
	const time = timeOf(record, field);
	const written = timeOf(record, modified);
	return Number.isFinite(written) ? Math.min(time, written) : time;
}

/**
 * A change this soon after creation belongs to the creation: Fxiaoke's own workflows (field updates,
 * functions) run right after a record is created and move its last_modified_time. A design choice,
 * not a measured value: long enough for such an automation, short for a person's edit.
 */
export const CREATION_TOLERANCE_MS = 10_000;

/** Whether a record was changed after it was created (what Record Updated emits), beyond the tolerance. */
export const changedSinceCreated = (record: IDataObject, modified = MODIFIED): boolean =>
	timeOf(record, modified) - timeOf(record, 'create_time') > CREATION_TOLERANCE_MS;

/**
 * Decides, record by record in (time, _id) order, which are events, and keeps the state that
 * decides. A record is emitted once per change: `created` once per record; `updated` when its
 * modification time is newer than the one emitted (a record never changed since it was created is
 * not an update) and, with watched fields, only when their hash differs from the one kept. A record
 * with no kept hash (older than the activation's baseline, or dropped past MAX_HASHES) cannot be
 * compared: its change becomes its baseline, not an event, so that a change of an unwatched field
 * never emits.
 */
export class ChangeTracker {
	private readonly field: string;
	private readonly seen: Record<string, number>;
	private readonly hashes: Record<string, string>;
	private mark: number;
	private last?: Position;

	constructor(
		private readonly state: TriggerState,
		private readonly event: TriggerEvent,
		private readonly watched: string[],
		private readonly modified = MODIFIED,
	) {
		this.field = timeFieldOf(event, modified);
		this.seen = { ...state.seen };
		this.hashes = { ...state.hashes };
		this.mark = state.mark;
	}

	/** Whether the record is an event; either way it is taken (the cursor moves past it). */
	take(record: IDataObject): boolean {
		const id = String(record._id);
		const time = timeOf(record, this.field);
		if (!Number.isFinite(time)) return false;
		this.last = { time, id };
		this.mark = Math.max(this.mark, markTimeOf(record, this.field, this.modified));
		if (this.seen[id] !== undefined && this.seen[id] >= time) return false;
		this.seen[id] = time;
		const created = !changedSinceCreated(record, this.modified);
		if (this.event === 'updated' && this.watched.length > 0) {
			const before = this.keepHash(record);
			return !created && before !== undefined && before !== this.hashes[id];
		}
		return !(this.event === 'updated' && created);
	}

	/** Keeps the record's watched values as its baseline (no event), unless a newer one is kept. */
	baseline(record: IDataObject): void {
		if (this.hashes[String(record._id)] === undefined) this.keepHash(record);
	}

	/** The hash kept before; the record's own is kept now (last: the newest are kept when trimming). */
	private keepHash(record: IDataObject): string | undefined {
		const id = String(record._id);
		const before = this.hashes[id];
		delete this.hashes[id];
		this.hashes[id] = watchedHash(record, this.watched);
		return before;
	}

	/** The state to save: `drained` when the poll read everything, else with a cursor at the last record taken. */
	result(drained: boolean): TriggerState {
		const { seen, floor } = trimSeen(this.seen, this.mark - OVERLAP_MS);
		const state: TriggerState = { key: this.state.key, mark: this.mark, seen, hashes: trimOldest(this.hashes, MAX_HASHES) };
		// Drained, the next poll reads the overlap again, unless more changes lie in it than `seen`
		// holds: then it reads on after the newest change no longer remembered.
		const cursor = drained ? floor : (this.last ?? this.state.cursor);
		if (cursor !== undefined) state.cursor = cursor;
		return state;
	}
}

/**
 * Drops what the next poll cannot read again (older than its start), then the oldest past MAX_SEEN;
 * `floor` is the newest of those, in (time, _id) order.
 */
function trimSeen(seen: Record<string, number>, from: number): { seen: Record<string, number>; floor?: Position } {
	const kept = Object.entries(seen).filter(([, time]) => time >= from);
	if (kept.length <= MAX_SEEN) return { seen: Object.fromEntries(kept) };
	kept.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const [id, time] = kept[kept.length - MAX_SEEN - 1];
	return { seen: Object.fromEntries(kept.slice(-MAX_SEEN)), floor: { time, id } };
}

function trimOldest<T>(map: Record<string, T>, max: number): Record<string, T> {
	const entries = Object.entries(map);
	return entries.length <= max ? map : Object.fromEntries(entries.slice(-max));
}
