import { randomUUID } from 'crypto';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * Fxiaoke's common parameters (API.md §5): bearer token, company (ea) and acting employee in
 * headers, and a fresh UUID v4 thirdTraceId in the query of every request.
 */
export function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const qs = { ...(requestOptions.qs ?? {}) };
	if (typeof qs.thirdTraceId !== 'string' || qs.thirdTraceId === '') qs.thirdTraceId = randomUUID();
	return {
		...requestOptions,
		qs,
		headers: {
			...(requestOptions.headers ?? {}),
			authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
			'x-fs-ea': String(credentials.ea ?? ''),
			'x-fs-userid': String(credentials.userId ?? '').trim(),
		},
	};
}
