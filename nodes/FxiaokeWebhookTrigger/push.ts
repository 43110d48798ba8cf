import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { CREATION_TOLERANCE_MS } from '../FxiaokeTrigger/changes';

/*
 * What a push says, whichever way it came: the object, the record, the event, and a key that is the
 * same when Fxiaoke sends the same change again.
 */

export type PushEvent = 'created' | 'updated' | 'invalidated';
export const PUSH_EVENTS: PushEvent[] = ['created', 'updated', 'invalidated'];

export interface Push {
	objectApiName: string;
	recordId: string;
	/** A known event, or what Fxiaoke called it when it is not one of them. */
	event: PushEvent | string;
	/** The same for a repeat of the same change (a retry): the dedupe key. */
	changeKey: string;
	/** The record as pushed (the APL function's context.data), or null (the callback holds none). */
	data: IDataObject | null;
}

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

const time = (value: unknown) => (typeof value === 'number' ? value : Number(value));

/** created, updated or invalidated, from the record's own fields (as the polling trigger decides). */
export function eventOfRecord(data: IDataObject): PushEvent {
	if (data.life_status === 'invalid') return 'invalidated';
	return time(data.last_modified_time) - time(data.create_time) > CREATION_TOLERANCE_MS ? 'updated' : 'created';
}

/**
 * The body the generated APL function posts: `{objectApiName, data}` where data is the record
 * (context.data). Anything else is refused with the reason (nothing of the body is echoed).
 */
export function pushFromApl(body: unknown): Push | string {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
	const { objectApiName, data } = body as IDataObject;
	if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'data (the record) is not an object';
	const record = data as IDataObject;
	const apiName = typeof objectApiName === 'string' && objectApiName !== '' ? objectApiName : record.object_describe_api_name;
	if (typeof apiName !== 'string' || !API_NAME.test(apiName)) return 'objectApiName is not an API name';
	if (typeof record._id !== 'string' || !RECORD_ID.test(record._id)) return 'data._id is not a record ID';
	const event = eventOfRecord(record);
	const version = record.version ?? record.last_modified_time;
	return { objectApiName: apiName, recordId: record._id, event, changeKey: `${apiName}|${record._id}|${event}|${String(version)}`, data: record };
}

/** Fxiaoke's callback event names (only "update" is seen in its demo; the others are guesses kept as they come). */
const CALLBACK_EVENTS: Record<string, PushEvent> = { add: 'created', create: 'created', update: 'updated', invalid: 'invalidated', delete: 'invalidated' };

/** The decrypted event callback `{eventType, apiName, dataId, messageId, …}`. */
export function pushFromCallback(event: IDataObject): Push | string {
	const { apiName, dataId, eventType, messageId } = event;
	if (typeof apiName !== 'string' || !API_NAME.test(apiName)) return 'apiName is not an API name';
	if (typeof dataId !== 'string' || !RECORD_ID.test(dataId)) return 'dataId is not a record ID';
	const name = String(eventType ?? '');
	return { objectApiName: apiName, recordId: dataId, event: CALLBACK_EVENTS[name] ?? name, changeKey: `callback|${String(messageId)}`, data: null };
}

/** What is remembered of a change key: a short digest (the keys themselves name records). */
const digestOf = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 16);

/**
 * The changes a trigger node took lately: a repeat (a retry of Fxiaoke's, or an APL function run
 * twice for one change) starts no second execution. Bounded, the oldest forgotten first. Kept in the
 * memory of the process taking the webhooks, which also learns the newest ones the workflow's static
 * data holds (saved by the last push, in this process before a restart or in another one).
 */
export class RecentChanges {
	private readonly digests = new Set<string>();

	constructor(private readonly max = 10_000) {}

	/** Whether the key is new (and remembers it). */
	add(key: string): boolean {
		const digest = digestOf(key);
		if (this.digests.has(digest)) return false;
		this.remember([digest]);
		return true;
	}

	/** Learns digests remembered elsewhere (static data). */
	remember(digests: readonly unknown[]): void {
		for (const digest of digests) {
			if (typeof digest !== 'string' || this.digests.has(digest)) continue;
			this.digests.add(digest);
			if (this.digests.size > this.max) this.digests.delete(this.digests.values().next().value as string);
		}
	}

	/** The newest `count` digests, oldest first: what static data keeps. */
	newest(count: number): string[] {
		return [...this.digests].slice(-count);
	}
}
