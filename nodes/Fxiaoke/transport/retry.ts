import { ERROR_CODES, FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';

export const RETRY = {
	maxAttempts: 6,
	/** Give up retrying once this much time has passed since the first attempt. */
	maxElapsedMs: 90_000,
	baseDelayMs: 500,
	maxDelayMs: 10_000,
};

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RATE_LIMITED: readonly number[] = ERROR_CODES.rateLimited;
const TRANSIENT: readonly number[] = ERROR_CODES.transient;

/**
 * Whether an attempt may be repeated. Idempotent calls (Revoke) retry every transient failure.
 * Sends retry only where Fxiaoke certainly did nothing: a rate-limit rejection, HTTP 429, or a
 * connection that was never made; never after a reply went missing.
 */
export function isRetryable(outcome: FxiaokeEnvelope | FxiaokeTransportFailure, idempotent: boolean): boolean {
	if (outcome instanceof FxiaokeTransportFailure) {
		if (outcome.reason === 'http-status') {
			return idempotent ? RETRYABLE_STATUS.has(outcome.httpStatus ?? 0) : outcome.httpStatus === 429;
		}
		if (outcome.reason === 'connection-refused') return true;
		return idempotent && ['connection-reset', 'timeout', 'network', 'host-not-found'].includes(outcome.reason);
	}
	if (RATE_LIMITED.includes(outcome.errorCode)) return true;
	return idempotent && TRANSIENT.includes(outcome.errorCode);
}

/** Full-jitter exponential backoff: a random delay up to base × 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, random = Math.random): number {
	const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
