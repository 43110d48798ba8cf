import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { baseUrlOf } from './baseUrl';
import { CREDENTIAL_TYPE } from './constants';
import { cancelSignalOf, type FxiaokeContext } from './context';
import { adoptStoredToken } from './tokenCache';
import { tokenFingerprint } from './tokenFields';

/** What one node run needs to talk to Fxiaoke, read once per run, not once per item. */
export interface Session {
	credentials: ICredentialDataDecryptedObject;
	credentialRef: { id: string; name: string };
	baseUrl: string;
	/** The app settings a token belongs to (base URL, App ID, Permanent Code, App Secret). */
	fingerprint: string;
	/** The app Fxiaoke's rate limits count for (base URL and App ID). */
	app: string;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
	/** Set when the token cannot be had for this run: the remaining items fail with it, no new token call. */
	tokenFailure?: unknown;
	/** Fresh tokens refused on the spot in a row, in this run. */
	freshTokensRefused: number;
}

const sessions = new WeakMap<FxiaokeContext, Promise<Session>>();

async function openSession(ctx: FxiaokeContext): Promise<Session> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const baseUrl = baseUrlOf(credentials);
	const fingerprint = tokenFingerprint(credentials);
	adoptStoredToken(fingerprint, credentials);
	return {
		credentials,
		credentialRef: { id: ref?.id ?? '', name: ref?.name ?? '' },
		baseUrl,
		fingerprint,
		app: `${baseUrl}|${String(credentials.appId ?? '')}`,
		signal: cancelSignalOf(ctx),
		freshTokensRefused: 0,
	};
}

export function session(ctx: FxiaokeContext): Promise<Session> {
	let pending = sessions.get(ctx);
	if (!pending) {
		pending = openSession(ctx);
		sessions.set(ctx, pending);
	}
	return pending;
}
