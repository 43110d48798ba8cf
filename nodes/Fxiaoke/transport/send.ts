import { randomUUID } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { InvalidBaseUrl } from './baseUrl';
import { RequestCancelled } from './cancel';
import { CREDENTIAL_TYPE } from './constants';
import type { FxiaokeContext } from './context';
import { FxiaokeApiFailure, FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';
import { toTransportFailure } from './network';
import { parseEnvelope, type RawResponse } from './response';
import type { Session } from './session';

/** A request body: JSON for every API call, multipart for uploads. */
export interface Payload {
	body: IDataObject | Buffer;
	contentType: string;
}

/**
 * One HTTP request through n8n's authenticated helper (its proxy, SSRF and domain rules apply),
 * with `data` as the credential: a blank token there makes n8n run the token call first.
 */
export async function sendOnce(
	ctx: FxiaokeContext,
	s: Session,
	path: string,
	payload: Payload,
	timeout: number,
	data: ICredentialDataDecryptedObject,
): Promise<FxiaokeEnvelope> {
	const what = `Fxiaoke ${path}`;
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${s.baseUrl}${path}`,
		qs: { thirdTraceId: randomUUID() },
		headers: { 'Content-Type': payload.contentType },
		body: payload.body,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout,
	};
	let response: RawResponse;
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
			credentialsDecrypted: { ...s.credentialRef, type: CREDENTIAL_TYPE, data },
		})) as RawResponse;
	} catch (error) {
		throw unwrapFailure(error, s.baseUrl, what);
	}
	return parseEnvelope(response, s.baseUrl, what);
}

/** n8n wraps errors of the request and of preAuthentication; find ours or classify the client's. */
function unwrapFailure(error: unknown, baseUrl: string, what: string): Error {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
		if (
			current instanceof FxiaokeApiFailure ||
			current instanceof FxiaokeTransportFailure ||
			current instanceof InvalidBaseUrl ||
			current instanceof RequestCancelled
		) {
			return current;
		}
		current = current.cause;
	}
	return toTransportFailure(error, baseUrl, what);
}
