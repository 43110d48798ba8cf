import { NodeOperationError, type INodeProperties } from 'n8n-workflow';

import { DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_MS, DEFAULT_TIMEOUT_MS, RATE_DEFAULTS } from '../transport/constants';
import { crmOptions } from './crmObject';
import { revokeOptions } from './message/revoke.operation';
import type { ItemParameters } from './parameters';
import { kindOf, quoteShortened } from './validation';

const DEFAULT_CONCURRENCY = 5;
const MAX_CONCURRENCY = 50;
/** The lowest values the UI offers; an expression's value is held to them too. */
const MIN_RATE_WINDOW_SECONDS = 0.1;
const MIN_TIMEOUT_MS = 100;
const DEFAULT_RATE_WINDOW_SECONDS = DEFAULT_RATE_WINDOW_MS / 1000;

/** Operations that send a message; the payload conversion options only apply to them. */
export const SEND_OPERATIONS = ['sendText', 'sendComposite', 'sendArticles', 'sendAsServiceAccount', 'sendAndWait'];

/** One "Options" collection, the same names on every operation. */
export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		...revokeOptions,
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: DEFAULT_CONCURRENCY,
			description: 'How many requests this node keeps in flight at once',
		},
		{
			displayName: 'Convert Media IDs',
			name: 'convertMediaId',
			type: 'boolean',
			default: false,
			description:
				'Whether file IDs in the message (cover images) are read as mediaIds from an upload. Off: Fxiaoke\'s default for header authentication (npath).',
			displayOptions: { show: { '/operation': SEND_OPERATIONS } },
		},
		{
			displayName: 'Convert User IDs',
			name: 'convertUserId',
			type: 'boolean',
			default: false,
			description:
				'Whether recipients are read as open-platform user IDs (FSUID_…). Off: Fxiaoke\'s default for header authentication, employee IDs such as 1000.',
			displayOptions: { show: { '/operation': SEND_OPERATIONS } },
		},
		{
			displayName: 'Rate Limit',
			name: 'rateLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_RATE_LIMIT,
			description:
				'Requests per window and endpoint. Fxiaoke allows 100 calls per 20 seconds per interface; raise it only if your company bought a higher limit.',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindow',
			type: 'number',
			typeOptions: { minValue: MIN_RATE_WINDOW_SECONDS, numberPrecision: 1 },
			default: DEFAULT_RATE_WINDOW_SECONDS,
			description: 'Length of the rate limit window in seconds',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: MIN_TIMEOUT_MS },
			default: DEFAULT_TIMEOUT_MS,
			description: 'How long to wait for Fxiaoke\'s reply to one request, in milliseconds',
		},
		...crmOptions,
	],
};

export interface NodeOptions {
	concurrency: number;
	rateLimit: number;
	rateLimitWindowMs: number;
	timeout: number;
	convertUserId: boolean;
	convertMediaId: boolean;
}

/** How a rejected option value reads in the error message (never a long text echoed back). */
function shown(value: unknown): string {
	if (typeof value === 'number') return String(value);
	if (typeof value === 'string') return quoteShortened(value);
	return kindOf(value);
}

/**
 * One numeric option. The UI's minValue / maxValue do not apply to an expression's value, so the
 * bounds are checked here too, before any item is sent.
 */
function numberOption(
	ctx: ItemParameters,
	value: unknown,
	fallback: number,
	label: string,
	bounds: { min: number; max?: number },
): number {
	if (value === undefined || value === '') return fallback;
	// (A number, or the text of one; not `true` or `[5]`, which Number() would also accept.)
	const number = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
	const { min, max } = bounds;
	if (!Number.isFinite(number) || number < min || (max !== undefined && number > max)) {
		const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
		throw new NodeOperationError(ctx.getNode(), `Option "${label}" must be a number ${range}, not ${shown(value)}`, {
			description: 'Nothing was sent to Fxiaoke.',
		});
	}
	return number;
}

/** Reads the Options collection once per node run (item 0): they govern the whole batch. */
export function readOptions(ctx: ItemParameters): NodeOptions {
	const raw = ctx.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	return {
		concurrency: Math.floor(
			numberOption(ctx, raw.concurrency, DEFAULT_CONCURRENCY, 'Concurrency', { min: 1, max: MAX_CONCURRENCY }),
		),
		rateLimit: Math.floor(numberOption(ctx, raw.rateLimit, DEFAULT_RATE_LIMIT, 'Rate Limit', { min: 1 })),
		rateLimitWindowMs:
			numberOption(ctx, raw.rateLimitWindow, RATE_DEFAULTS.windowMs / 1000, 'Rate Limit Window (Seconds)', { min: MIN_RATE_WINDOW_SECONDS }) * 1000,
		timeout: numberOption(ctx, raw.timeout, DEFAULT_TIMEOUT_MS, 'Timeout', { min: MIN_TIMEOUT_MS }),
		convertUserId: raw.convertUserId === true,
		convertMediaId: raw.convertMediaId === true,
	};
}
