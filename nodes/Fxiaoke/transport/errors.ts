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
	| 'network';

/**
 * No usable Fxiaoke answer arrived. `ambiguous` is true when the request may have been
 * processed (it was written, but no reply was read), so a retry could repeat it.
 */
export class FxiaokeTransportFailure extends Error {
	constructor(
		message: string,
		readonly reason: TransportReason,
		readonly host: string,
		readonly ambiguous: boolean,
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
} as const;
