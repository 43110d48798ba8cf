import type { IExecuteFunctions } from 'n8n-workflow';

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

function toMilliseconds(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value) : undefined;
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^-?\d+$/.test(text)) return Number(text);
		// An ISO date or date-time (a date alone is midnight UTC, as Date.parse reads it).
		const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
		return Number.isNaN(ms) ? undefined : ms;
	}
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	// Luxon DateTime (what n8n's date picker and $now give)
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

function convert(field: CrmField, value: unknown): Converted {
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
			const ms = toMilliseconds(value);
			return ms === undefined ? { problem: `must be a date (ISO text or milliseconds), not ${shown(value)},` } : { ok: ms };
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
		case 'department': {
			// One ID or a list of them; Fxiaoke always takes a list.
			const ids = listOf(value);
			if (ids.length === 0 || !ids.every((id) => (typeof id === 'string' && id.trim() !== '') || (typeof id === 'number' && Number.isInteger(id)))) {
				return { problem: `must be an ID or a list of IDs, not ${shown(value)},` };
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
	return value === undefined || value === null || value === '';
}

/** One value in the format Fxiaoke expects for the field, or an error naming field, value and item. */
export function toFxiaokeValue(ctx: IExecuteFunctions, itemIndex: number, field: CrmField, value: unknown): unknown {
	const converted = convert(field, value);
	if ('problem' in converted) throw inputError(ctx, itemIndex, { label: field.label, name: field.apiName }, converted.problem);
	return converted.ok;
}
