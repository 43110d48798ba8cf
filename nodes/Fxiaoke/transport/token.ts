import { createHash, randomUUID } from 'crypto';
import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { baseUrlOf, hostOf } from './baseUrl';
import { FxiaokeApiFailure } from './errors';
import { toTransportFailure } from './network';
import { parseEnvelope, type RawResponse } from './response';

/**
 * The last failed token call per app fingerprint. n8n wraps what preAuthentication throws, and
 * n8n 1.x drops the wrapped error's cause, so the transport looks the failure up here instead.
 */
const tokenFailures = new Map<string, Error>();

export function takeTokenFailure(fingerprint: string): Error | undefined {
	const failure = tokenFailures.get(fingerprint);
	tokenFailures.delete(fingerprint);
	return failure;
}

/** Refresh when less than this much life remains. Fxiaoke hands back the same token for the
 * first 6600 s of its 7200 s life, so refreshing earlier than ~600 s before the end would loop. */
export const REFRESH_MARGIN_MS = 550_000;

export const TOKEN_TIMEOUT_MS = 30_000;

/** What the credential keeps in its hidden properties, persisted by n8n. */
export interface TokenFields {
	accessToken: string;
	ea: string;
	tokenExpiresAt: number;
	tokenFingerprint: string;
}

/** Identifies the app a token belongs to: editing any of these in the credential invalidates it. */
export function tokenFingerprint(credentials: ICredentialDataDecryptedObject): string {
	return createHash('sha256')
		.update(`${baseUrlOf(credentials)}\n${String(credentials.appId ?? '')}\n${String(credentials.permanentCode ?? '')}`)
		.digest('hex')
		.slice(0, 32);
}

/** True when a token has more than the refresh margin of life left. */
export function hasLifeLeft(fields: Pick<TokenFields, 'accessToken' | 'tokenExpiresAt'>, now = Date.now()): boolean {
	return fields.accessToken !== '' && Number(fields.tokenExpiresAt) - now > REFRESH_MARGIN_MS;
}

/** True when the credential's stored token belongs to it and has enough life left. */
export function isTokenFresh(credentials: ICredentialDataDecryptedObject, now = Date.now()): boolean {
	return (
		typeof credentials.accessToken === 'string' &&
		credentials.tokenFingerprint === tokenFingerprint(credentials) &&
		hasLifeLeft({ accessToken: credentials.accessToken, tokenExpiresAt: Number(credentials.tokenExpiresAt) }, now)
	);
}

/**
 * The client-credentials token call (API.md §4.1). Used by the credential's preAuthentication,
 * so n8n persists the result and every execution shares it.
 */
export async function requestToken(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<TokenFields> {
	const fingerprint = tokenFingerprint(credentials);
	tokenFailures.delete(fingerprint);
	const recordFailure = (error: Error): never => {
		tokenFailures.set(fingerprint, error);
		throw error;
	};
	return await callTokenEndpoint.call(this, credentials, fingerprint).catch(recordFailure);
}

async function callTokenEndpoint(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	fingerprint: string,
): Promise<TokenFields> {
	const baseUrl = baseUrlOf(credentials);
	const what = 'Fxiaoke token request';
	let response: RawResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/oauth2.0/token`,
			qs: { thirdTraceId: randomUUID() },
			headers: { 'Content-Type': 'application/json' },
			body: {
				appId: credentials.appId,
				appSecret: credentials.appSecret,
				permanentCode: credentials.permanentCode,
				grantType: 'app_secret',
			},
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: TOKEN_TIMEOUT_MS,
		})) as RawResponse;
	} catch (error) {
		throw toTransportFailure(error, baseUrl, what);
	}
	const envelope = parseEnvelope(response, baseUrl, what);
	if (envelope.errorCode !== 0) {
		throw new FxiaokeApiFailure(
			{
				errorCode: envelope.errorCode,
				errorMessage: envelope.errorMessage,
				errorDescription: envelope.errorDescription,
				traceId: envelope.traceId,
			},
			`${what} to ${hostOf(baseUrl)} failed (check App ID, App Secret and Permanent Code)`,
		);
	}
	if (typeof envelope.accessToken !== 'string' || envelope.accessToken === '' || typeof envelope.ea !== 'string') {
		throw new FxiaokeApiFailure(
			{ errorCode: -1, errorDescription: 'the token response has no accessToken or ea', traceId: envelope.traceId },
			`${what} to ${hostOf(baseUrl)} failed`,
		);
	}
	const expiresIn = Number(envelope.expiresIn);
	return {
		accessToken: envelope.accessToken,
		ea: envelope.ea,
		// expiresIn is the token's remaining life in seconds; 7200 if Fxiaoke leaves it out.
		tokenExpiresAt: Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200) * 1000,
		tokenFingerprint: fingerprint,
	};
}
