import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** Longer than any Fxiaoke id; anything bigger is a mistake (e.g. a whole file in an expression). */
export const MAX_ID_LENGTH = 256;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function invalid(ctx: IExecuteFunctions, label: string, name: string, itemIndex: number, problem: string) {
	return new NodeOperationError(ctx.getNode(), `${label} (${name}) ${problem} in item ${itemIndex}`, {
		itemIndex,
		description: 'Nothing was sent to Fxiaoke for this item.',
	});
}

/** Reads a required id parameter (string or number) and rejects empty, oversized or control-character values. */
export function requireId(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex) as unknown;
	let text: string;
	if (typeof value === 'number' && Number.isFinite(value)) {
		text = String(value);
	} else if (typeof value === 'string') {
		text = value.trim();
	} else {
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
		throw invalid(ctx, label, name, itemIndex, `must be a string or a number, not ${kind},`);
	}
	if (text === '') throw invalid(ctx, label, name, itemIndex, 'is empty');
	if (text.length > MAX_ID_LENGTH) {
		throw invalid(ctx, label, name, itemIndex, `is ${text.length} characters long (at most ${MAX_ID_LENGTH})`);
	}
	if (CONTROL_CHARACTERS.test(text)) {
		throw invalid(ctx, label, name, itemIndex, 'contains control characters (such as a line break)');
	}
	return text;
}
