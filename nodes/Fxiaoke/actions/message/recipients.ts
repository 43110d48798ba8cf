import type { IExecuteFunctions } from 'n8n-workflow';

import {
	CONTROL_CHARACTERS,
	inputError,
	kindOf,
	MAX_ID_LENGTH,
	parameterValue,
	quoteShortened,
	type FieldRef,
} from '../validation';

/** Separators of a recipients string: comma, Chinese comma and enumeration comma, semicolons, line breaks. */
const RECIPIENT_SEPARATORS = /[,，、;；\r\n]+/;

/**
 * Reads `toUser`: an array (nested arrays are flattened), or a string of IDs separated by commas
 * (also `，` `、` `;` or line breaks), or a number. Entries are trimmed; empty ones and duplicates
 * are dropped (first occurrence kept); each must be at most 256 characters with no control characters.
 */
export function readRecipients(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const field: FieldRef = { label: 'Recipients', name: 'toUser' };
	const value = parameterValue(ctx, 'toUser', itemIndex);
	let entries: unknown[];
	if (Array.isArray(value)) entries = value.flat(Infinity) as unknown[];
	else if (typeof value === 'string' || typeof value === 'number') entries = [value];
	else if (value === undefined || value === null) entries = [];
	else throw inputError(ctx, itemIndex, field, `must be a list of IDs (text or an array), not ${kindOf(value)},`);

	const recipients: string[] = [];
	const seen = new Set<string>();
	for (const entry of entries) {
		let pieces: string[];
		if (typeof entry === 'string') pieces = entry.split(RECIPIENT_SEPARATORS);
		else if (typeof entry === 'number' && Number.isFinite(entry)) pieces = [String(entry)];
		else if (entry === null || entry === undefined) pieces = [];
		else throw inputError(ctx, itemIndex, field, `contains ${kindOf(entry)}; every entry must be an ID (text or a number)`);
		for (const piece of pieces) {
			const id = piece.trim();
			if (id === '') continue;
			if (id.length > MAX_ID_LENGTH) {
				throw inputError(ctx, itemIndex, field, `contains an ID of ${id.length} characters (at most ${MAX_ID_LENGTH})`);
			}
			if (CONTROL_CHARACTERS.test(id)) {
				throw inputError(ctx, itemIndex, field, `contains an ID with control characters (${quoteShortened(id)})`);
			}
			if (!seen.has(id)) {
				seen.add(id);
				recipients.push(id);
			}
		}
	}
	if (recipients.length === 0) throw inputError(ctx, itemIndex, field, 'is empty: give at least one employee ID');
	return recipients;
}
