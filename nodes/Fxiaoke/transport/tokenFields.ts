import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { baseUrlOf } from './baseUrl';

/** Refresh when less than this much life remains. Fxiaoke hands back the same token for the
 * first 6600 s of its 7200 s life, so refreshing earlier than ~600 s before the end would loop. */
export const REFRESH_MARGIN_MS = 550_000;

/** What the credential keeps in its hidden properties, persisted by n8n. */
export interface TokenFields {
	accessToken: string;
	ea: string;
	tokenExpiresAt: number;
	tokenFingerprint: string;
}

/**
 * Identifies the app settings a token was issued for: editing any of these in the credential
 * invalidates it, and credentials with other settings (a wrong App Secret, say) never share it.
 */
export function tokenFingerprint(credentials: ICredentialDataDecryptedObject): string {
	return createHash('sha256')
		.update(
			[baseUrlOf(credentials), credentials.appId, credentials.permanentCode, credentials.appSecret]
				.map((part) => String(part ?? ''))
				.join('\n'),
		)
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

