import { hostOf } from './baseUrl';
import { FxiaokeTransportFailure, type TransportReason } from './errors';

interface ErrorLike {
	code?: unknown;
	message?: unknown;
	cause?: unknown;
	response?: { status?: unknown };
}

/** Finds the Node.js error code (ECONNRESET, ...) in an error or the errors it wraps. */
function findCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, cause } = current as ErrorLike;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = cause;
	}
	return undefined;
}

const REASONS: Record<string, { reason: TransportReason; maybeCarriedOut: boolean; text: string }> = {
	ECONNREFUSED: { reason: 'connection-refused', maybeCarriedOut: false, text: 'refused the connection' },
	ENOTFOUND: { reason: 'host-not-found', maybeCarriedOut: false, text: 'could not be found (DNS)' },
	EAI_AGAIN: { reason: 'host-not-found', maybeCarriedOut: false, text: 'could not be resolved (DNS)' },
	ECONNRESET: { reason: 'connection-reset', maybeCarriedOut: true, text: 'closed the connection before replying' },
	EPIPE: { reason: 'connection-reset', maybeCarriedOut: true, text: 'closed the connection while the request was sent' },
	ETIMEDOUT: { reason: 'timeout', maybeCarriedOut: true, text: 'did not reply in time' },
	ECONNABORTED: { reason: 'timeout', maybeCarriedOut: true, text: 'did not reply in time' },
	ESOCKETTIMEDOUT: { reason: 'timeout', maybeCarriedOut: true, text: 'did not reply in time' },
	// The execution was cancelled while the request was under way: it may have arrived.
	ERR_CANCELED: { reason: 'cancelled', maybeCarriedOut: true, text: 'was still answering when the execution was cancelled' },
};

/** n8n's SSRF protection blocked the address (its error names, since the classes are not ours to import). */
const N8N_REFUSALS = new Set(['SsrfBlockedIpError', 'SsrfBlockedHostnameError']);

/**
 * n8n refused to send the request: SSRF protection, or a domain the credential may not reach (a
 * UserError raised by n8n before anything is sent). Returns n8n's own message.
 */
function refusalByN8n(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
		if (N8N_REFUSALS.has(current.name) || current.constructor.name === 'UserError') return current.message;
		current = current.cause;
	}
	return undefined;
}

/**
 * Turns an HTTP client error into a transport failure that names the host and the reason, never
 * the request (its headers hold the token).
 */
export function toTransportFailure(error: unknown, baseUrl: string, what: string): FxiaokeTransportFailure {
	if (error instanceof FxiaokeTransportFailure) return error;
	const host = hostOf(baseUrl);
	const refusal = refusalByN8n(error);
	if (refusal !== undefined) return new FxiaokeTransportFailure(refusal, 'refused-by-n8n', host, false);
	const code = findCode(error);
	const known = code ? REASONS[code] : undefined;
	if (known) {
		// The system code stays out of the message: n8n would swap such a message for a generic one.
		return new FxiaokeTransportFailure(`${what}: ${host} ${known.text}`, known.reason, host, known.maybeCarriedOut);
	}
	const message = String((error as ErrorLike)?.message ?? '');
	if (/timeout/i.test(message)) {
		return new FxiaokeTransportFailure(`${what}: ${host} did not reply in time`, 'timeout', host, true);
	}
	// Unknown client failure: we cannot tell whether the request was processed.
	return new FxiaokeTransportFailure(`${what}: request to ${host} failed`, 'network', host, true);
}
