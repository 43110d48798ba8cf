export const CREDENTIAL_TYPE = 'fxiaokeApi';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Fxiaoke's documented per-interface limit: 100 calls per 20 seconds. */
export const DEFAULT_RATE_LIMIT = 100;
export const DEFAULT_RATE_WINDOW_MS = 20_000;
/**
 * The window used when a node sets none. Tests of other behaviour shorten it, as they shorten the
 * retry backoff (RETRY), so that they do not wait out Fxiaoke's 20-second windows.
 */
export const RATE_DEFAULTS = { windowMs: DEFAULT_RATE_WINDOW_MS };

/** What a caller may set for one logical call. */
export interface RequestOptions {
	rateLimit?: number;
	rateLimitWindowMs?: number;
	timeout?: number;
	/**
	 * True when repeating the call cannot do harm (Revoke, uploads). Sends are not idempotent: they
	 * are only retried where Fxiaoke certainly did nothing (a rejection before processing).
	 */
	idempotent?: boolean;
}
