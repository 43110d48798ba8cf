import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { nodeParameter, type ItemParameters } from './parameters';

/** Longer than any Fxiaoke id; anything bigger is a mistake (e.g. a whole file in an expression). */
export const MAX_ID_LENGTH = 256;

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The parameter a bad value came from, as the user sees it; `where` narrows it (e.g. "of article 3"). */
export interface FieldRef {
	label: string;
	name: string;
	where?: string;
}

/** The error for a value rejected before anything is sent: "<Label> (<name>) [of article N] <problem> in item N". */
export function inputError(
	ctx: Pick<ItemParameters, 'getNode'>,
	itemIndex: number,
	field: FieldRef,
	problem: string,
	description = 'Nothing was sent to Fxiaoke for this item.',
): NodeOperationError {
	const where = field.where ? ` ${field.where}` : '';
	return new NodeOperationError(ctx.getNode(), `${field.label} (${field.name})${where} ${problem} in item ${itemIndex}`, {
		itemIndex,
		description,
	});
}

/** How a value's type reads in an error message. */
export function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : typeof value;
}

/** Reads a required id parameter (string or number) and rejects empty, oversized or control-character values. */
export function requireId(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	return checkId(ctx, itemIndex, nodeParameter(ctx, name, itemIndex), { label, name });
}

/** An id (string or number), trimmed; empty, oversized or control-character values are rejected. */
export function checkId(ctx: IExecuteFunctions, itemIndex: number, value: unknown, field: FieldRef): string {
	let text: string;
	if (typeof value === 'number' && Number.isFinite(value)) {
		text = String(value);
	} else if (typeof value === 'string') {
		text = value.trim();
	} else if (value === undefined) {
		throw inputError(ctx, itemIndex, field, 'is missing');
	} else {
		throw inputError(ctx, itemIndex, field, `must be a string or a number, not ${kindOf(value)},`);
	}
	if (text === '') throw inputError(ctx, itemIndex, field, 'is empty');
	if (text.length > MAX_ID_LENGTH) {
		throw inputError(ctx, itemIndex, field, `is ${text.length} characters long (at most ${MAX_ID_LENGTH})`);
	}
	if (CONTROL_CHARACTERS.test(text)) {
		throw inputError(ctx, itemIndex, field, 'contains control characters (such as a line break)');
	}
	return text;
}

/** A parameter's value as n8n gives it, still to be checked (an expression can return anything). */
export function parameterValue(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: unknown = ''): unknown {
	return nodeParameter(ctx, name, itemIndex, fallback);
}

/** A value as an error message shows it: quoted, cut after 40 characters so a long value is not echoed back. */
export function quoteShortened(value: string): string {
	const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
	return JSON.stringify(shown);
}

/** A text value: strings as given, numbers and booleans as text, empty for null/undefined. */
export function readText(ctx: IExecuteFunctions, itemIndex: number, value: unknown, field: FieldRef): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw inputError(ctx, itemIndex, field, `must be text, not ${kindOf(value)},`);
}

/** Like `readText`, but empty or whitespace-only text is rejected. */
export function requireText(ctx: IExecuteFunctions, itemIndex: number, value: unknown, field: FieldRef): string {
	const text = readText(ctx, itemIndex, value, field);
	if (text.trim() === '') throw inputError(ctx, itemIndex, field, 'is empty');
	return text;
}

/** A text parameter read by `readText`, or by `requireText` when `required`. */
export function textParameter(ctx: IExecuteFunctions, itemIndex: number, field: FieldRef, required = false): string {
	const value = parameterValue(ctx, field.name, itemIndex);
	return required ? requireText(ctx, itemIndex, value, field) : readText(ctx, itemIndex, value, field);
}
