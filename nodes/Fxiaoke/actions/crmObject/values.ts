import type { ItemParameters } from '../parameters';
import { inputError, kindOf, quoteShortened } from '../validation';
import type { CrmField } from './schema';

/** What a rejected value reads as: its type, and the value itself when short. */
function shown(value: unknown): string {
	if (typeof value === 'string') return `the text ${quoteShortened(value)}`;
	if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
	return kindOf(value);
}

/** A list from an array or a comma-separated text. */
function listOf(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
	return [value];
}

/** A date, or a date and time, without an offset: read on the workflow's clock. */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** How far `zone`'s clock is ahead of UTC at the instant `utc`. */
function zoneOffsetMs(utc: number, zone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: zone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	}).formatToParts(new Date(utc));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wall - Math.floor(utc / 1000) * 1000;
}

/** A wall-clock date and time in `zone` as milliseconds; undefined for a day that does not exist (2024-02-30). */
function fromWallClock(match: RegExpExecArray, zone: string): number | undefined {
	const [y, mo, d, h, mi, s] = match.slice(1, 7).map((v) => Number(v ?? 0));
	const ms = Number((match[7] ?? '0').padEnd(3, '0'));
	const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
	const check = new Date(wall);
	if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
	try {
		// Twice, so that a wall clock just after a daylight-saving change gets the offset it has then.
		const first = wall - zoneOffsetMs(wall, zone);
		return wall - zoneOffsetMs(first, zone);
	} catch {
		return wall; // (an unknown time zone name: UTC)
	}
}

/**
 * An instant as ISO 8601 text on `zone`'s clock: a date and time with the zone's offset
 * (2026-05-01T10:00:00.000+08:00, as Luxon's toISO writes it), or for a date field the day alone
 * (2026-05-01), which this node reads back as that same instant. An unknown zone: UTC.
 */
export function toZonedIso(ms: number, zone: string, dateOnly: boolean): string {
	let offset = 0;
	try {
		offset = Math.round(zoneOffsetMs(ms, zone) / 60_000) * 60_000;
	} catch {
		// (an unknown time zone name: UTC)
	}
	const wall = new Date(ms + offset).toISOString();
	if (dateOnly) return wall.slice(0, 10);
	const minutes = Math.abs(offset) / 60_000;
	const sign = offset < 0 ? '-' : '+';
	return `${wall.slice(0, 23)}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Below this a number of milliseconds is a date between late 1966 and March 1973; a number that small
 * is far likelier seconds (1714521600 is May 2024 in seconds, 20 January 1970 in milliseconds).
 */
const SECONDS_LIKELY_BELOW = 1e11;

/** A number, or the text of a whole number: milliseconds since 1970 if it is a date at all. */
const isEpochNumber = (value: unknown): boolean => typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value.trim()));

/** A date as milliseconds (numbers as they are; text without an offset on `zone`'s clock); undefined if none. */
export function toMilliseconds(value: unknown, zone: string): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value) : undefined;
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^-?\d+$/.test(text)) return Number(text);
		const wallClock = WALL_CLOCK.exec(text);
		if (wallClock) return fromWallClock(wallClock, zone);
		// With an offset or Z, the text names its instant itself.
		const ms = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) ? Date.parse(text) : NaN;
		return Number.isNaN(ms) ? undefined : ms;
	}
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	// A Luxon DateTime (what a Code node or a custom expression may hand over)
	if (typeof value === 'object' && value !== null && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		return (value as { toMillis: () => number }).toMillis();
	}
	return undefined;
}

type Converted = { ok: unknown } | { problem: string };

function optionValue(field: CrmField, value: unknown): Converted {
	if (typeof value !== 'string' && typeof value !== 'number') return { problem: `must be one of its options, not ${shown(value)},` };
	const text = String(value).trim();
	const match =
		field.options.find((o) => o.value === text) ??
		field.options.find((o) => o.label === text) ??
		field.options.find((o) => o.label.toLowerCase() === text.toLowerCase());
	if (match) return { ok: match.value };
	const known = field.options.slice(0, 8).map((o) => `${o.label} (${o.value})`).join(', ');
	return { problem: `has no option ${quoteShortened(text)} (options: ${known}${field.options.length > 8 ? ', …' : ''}),` };
}

function convert(field: CrmField, value: unknown, zone: string): Converted {
	switch (field.type) {
		case 'number':
		case 'currency': {
			// Fxiaoke takes numbers and amounts as text.
			if (typeof value === 'number' && Number.isFinite(value)) return { ok: String(value) };
			if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return { ok: value.trim() };
			return { problem: `must be a number, not ${shown(value)},` };
		}
		case 'date':
		case 'date_time': {
			const ms = toMilliseconds(value, zone);
			if (ms === undefined) return { problem: `must be a date (ISO text or milliseconds), not ${shown(value)},` };
			if (isEpochNumber(value) && Math.abs(ms) < SECONDS_LIKELY_BELOW) {
				return { problem: `must be a date in milliseconds, not ${shown(value)} (seconds? multiply by 1000, or give ISO text),` };
			}
			return { ok: ms };
		}
		case 'true_or_false':
			if (typeof value === 'boolean') return { ok: value };
			if (value === 'true' || value === 'false') return { ok: value === 'true' };
			return { problem: `must be true or false, not ${shown(value)},` };
		case 'select_one':
			return optionValue(field, value);
		case 'select_many': {
			const values: string[] = [];
			for (const v of listOf(value)) {
				const one = optionValue(field, v);
				if ('problem' in one) return one;
				values.push(one.ok as string);
			}
			return { ok: values };
		}
		case 'employee':
		case 'employee_many':
		case 'department':
		case 'department_many': {
			// One ID or a list of them; Fxiaoke always takes a list.
			const ids = listOf(value);
			if (ids.length === 0 || !ids.every((id) => (typeof id === 'string' && id.trim() !== '') || (typeof id === 'number' && Number.isInteger(id)))) {
				return { problem: `must be an ID or a list of IDs, not ${shown(value)},` };
			}
			return { ok: ids.map((id) => String(id).trim()) };
		}
		case 'object_reference_many': {
			const ids = listOf(value);
			if (ids.length === 0 || !ids.every((id) => typeof id === 'string' && id.trim() !== '')) {
				return { problem: `must be a record _id or a list of them, not ${shown(value)},` };
			}
			return { ok: ids.map((id) => String(id).trim()) };
		}
		default:
			if (typeof value === 'string') return { ok: value };
			if (typeof value === 'number' || typeof value === 'boolean') return { ok: String(value) };
			return { problem: `must be text, not ${shown(value)},` };
	}
}

/** Empty values are not sent (a field left empty in the mapper stays as it is in Fxiaoke). */
export function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * One value in the format Fxiaoke expects for the field, or an error naming field, value and item.
 * A date or time without an offset (as n8n's date picker gives it) is read in the workflow's time zone.
 */
export function toFxiaokeValue(ctx: ItemParameters, itemIndex: number, field: CrmField, value: unknown): unknown {
	const converted = convert(field, value, ctx.getTimezone());
	if ('problem' in converted) throw inputError(ctx, itemIndex, { label: field.label, name: field.apiName }, converted.problem);
	return converted.ok;
}
