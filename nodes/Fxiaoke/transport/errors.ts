import type { IDataObject } from 'n8n-workflow';

/** Fxiaoke's response envelope; `errorCode` 0 means success, whatever the HTTP status. */
export interface FxiaokeEnvelope extends IDataObject {
	errorCode: number;
	errorMessage?: string;
	errorDescription?: string;
	traceId?: string;
}

/** Fxiaoke answered with `errorCode != 0`. Carries the envelope, never request data. */
export class FxiaokeApiFailure extends Error {
	/** Set when an earlier attempt of the same call may have been carried out. */
	maybeCarriedOut = false;

	constructor(
		readonly response: FxiaokeEnvelope,
		readonly context: string,
	) {
		super(
			`${context}: Fxiaoke error ${response.errorCode}: ${response.errorDescription ?? response.errorMessage ?? 'no description'}`,
		);
	}

	get errorCode(): number {
		return this.response.errorCode;
	}
}

export type TransportReason =
	| 'http-status'
	| 'redirect'
	| 'not-json'
	| 'timeout'
	| 'connection-reset'
	| 'connection-refused'
	| 'host-not-found'
	| 'cancelled'
	| 'refused-by-n8n'
	| 'network';

/**
 * No usable Fxiaoke answer arrived. `maybeCarriedOut` is true when the request may have been
 * processed (it was written, but no answer was read), so repeating it could do it twice; the
 * transport also sets it when an earlier attempt of the same call was in that state.
 */
export class FxiaokeTransportFailure extends Error {
	constructor(
		message: string,
		readonly reason: TransportReason,
		readonly host: string,
		public maybeCarriedOut: boolean,
		readonly httpStatus?: number,
	) {
		super(message);
	}
}

/** Documented envelope codes (API.md §6.2). Codes Fxiaoke does not document are never branched on. */
export const ERROR_CODES = {
	success: 0,
	tokenInvalid: 20016,
	rateLimited: [14001, 30004],
	transient: [-1, 50009],
	quota: [30002, 30003],
	/** The token endpoint's answers to wrong credentials (API.md §6.2, and what the gateway really sends). */
	credentials: [10006, 20006, 20015, 20017],
} as const;

/** What to do about documented codes (API.md §6.2); shown to the user, never branched on. */
export const ERROR_HINTS: Record<number, string> = {
	[-1]: 'Fxiaoke is busy; retried automatically for Revoke. Try again later.',
	50009: 'Fxiaoke service exception (e.g. timeout); retried automatically for Revoke.',
	10006: 'App Secret missing or wrong: copy it again from the app\'s Development Mode.',
	20006: 'App ID or App Secret wrong: check both in the app\'s Development Mode.',
	20015: 'Permanent Code wrong: copy it again from the app\'s Development Mode.',
	20016: 'Fxiaoke refused the token again after a refresh: check that the app is enabled and that its IP allow-list contains the n8n server.',
	20017: 'No credentials reached Fxiaoke: check the credential.',
	14001: 'Rate limit exceeded: lower the Rate Limit option or spread the work out.',
	30004: 'Per-second frequency exceeded: lower Concurrency or the Rate Limit option.',
	30002: 'The company\'s daily OpenAPI quota is used up; it resets at 00:00 (Beijing time). Not retried.',
	30003: 'The company has not bought an OpenAPI quota (resource pack). Not retried.',
	20021: 'The app is disabled in this company: enable it in the admin console.',
	20022: 'The company has not authorized this app.',
	15003: 'The app has no permission for this interface.',
};
