import { ERROR_CODES, FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';

export const RETRY = {
	maxAttempts: 6,
	/** Give up retrying once attempts and backoff took this long (time queued for a slot not counted). */
	maxElapsedMs: 90_000,
	baseDelayMs: 500,
	maxDelayMs: 10_000,
	/** Rate-limit answers are retried through the (slowed) limiter; they have a budget of their own. */
	maxRateLimited: 20,
};

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RATE_LIMITED: readonly number[] = ERROR_CODES.rateLimited;
const TRANSIENT: readonly number[] = ERROR_CODES.transient;

/** Fxiaoke (or its gateway) said "too many requests". */
export function isRateLimited(outcome: FxiaokeEnvelope | FxiaokeTransportFailure): boolean {
	if (outcome instanceof FxiaokeTransportFailure) return outcome.reason === 'http-status' && outcome.httpStatus === 429;
	return RATE_LIMITED.includes(outcome.errorCode);
}

/**
 * Whether an attempt may be repeated. Idempotent calls (Revoke, uploads, the token call) retry
 * every transient failure. Sends retry only where Fxiaoke certainly did nothing: a rate-limit
 * rejection, HTTP 429, or a connection that was never made; never after an answer went missing.
 */
export function isRetryable(outcome: FxiaokeEnvelope | FxiaokeTransportFailure, idempotent: boolean): boolean {
	if (isRateLimited(outcome)) return true;
	if (outcome instanceof FxiaokeTransportFailure) {
		if (outcome.reason === 'http-status') return idempotent && RETRYABLE_STATUS.has(outcome.httpStatus ?? 0);
		if (outcome.reason === 'connection-refused') return true;
		return idempotent && ['connection-reset', 'timeout', 'network', 'host-not-found'].includes(outcome.reason);
	}
	return idempotent && TRANSIENT.includes(outcome.errorCode);
}

/** Full-jitter exponential backoff: a random delay up to base × 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, random = Math.random): number {
	const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
