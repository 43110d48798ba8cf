import { hostOf } from './baseUrl';
import { FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';

export interface RawResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/**
 * Reads Fxiaoke's JSON envelope out of an HTTP response. Anything else (an HTML page from a wrong
 * domain, a redirect, a gateway error, a cut-off body) becomes a transport failure naming the host.
 */
export function parseEnvelope(response: RawResponse, baseUrl: string, what: string): FxiaokeEnvelope {
	const status = response.statusCode;
	const redirect = status >= 300 && status < 400;
	const text = typeof response.body === 'string' ? response.body : bodyText(response.body);
	if (!redirect) {
		const envelope = parseJsonEnvelope(text);
		if (envelope) return envelope;
	}
	// Only failures name the host: parsing it is kept off the path every successful reply takes.
	const host = hostOf(baseUrl);
	if (redirect) {
		const location = String(response.headers?.location ?? '');
		const target = location && URL.canParse(location, baseUrl) ? ` to ${new URL(location, baseUrl).host}` : '';
		throw new FxiaokeTransportFailure(
			`${what}: ${host} answered with a redirect (HTTP ${status}${target}) instead of Fxiaoke's API: check the cloud domain in the credential (use open.fxiaoke.com, not www.fxiaoke.com)`,
			'redirect',
			host,
			false,
			status,
		);
	}
	if (status >= 400) {
		// A gateway 5xx may come after Fxiaoke carried the call out; a 4xx means it was refused.
		const maybeCarriedOut = status >= 500;
		throw new FxiaokeTransportFailure(
			`${what}: ${host} answered HTTP ${status}` +
				(maybeCarriedOut ? ' (a gateway error: the request may have been carried out)' : ''),
			'http-status',
			host,
			maybeCarriedOut,
			status,
		);
	}
	const looksHtml = /^\s*</.test(text);
	throw new FxiaokeTransportFailure(
		looksHtml
			? `${what}: ${host} answered with an HTML page, not Fxiaoke's JSON API: check the cloud domain in the credential`
			: `${what}: ${host} answered with a body that is not Fxiaoke's JSON envelope (HTTP ${status}, ${text.length} characters)`,
		'not-json',
		host,
		// A 2xx with a broken body may still mean the call was carried out.
		status < 300,
		status,
	);
}

function parseJsonEnvelope(text: string): FxiaokeEnvelope | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return undefined;
	}
	return isEnvelope(parsed) ? parsed : undefined;
}

function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'object' && !(body instanceof Uint8Array)) return JSON.stringify(body);
	return String(body);
}

function isEnvelope(value: unknown): value is FxiaokeEnvelope {
	return (
		typeof value === 'object' &&
		value !== null &&
		!Array.isArray(value) &&
		typeof (value as { errorCode?: unknown }).errorCode === 'number'
	);
}
