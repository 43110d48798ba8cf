import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { FxiaokeContext } from './context';
import { FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';
import { sendOnce, type Payload } from './send';
import type { Session } from './session';
import { takeTokenFailure } from './token';
import { adoptStoredToken, currentToken, tokenGeneration, type TokenState } from './tokenCache';

export interface Attempt {
	envelope: FxiaokeEnvelope;
	/** The token the request went out with, when it is known. */
	used?: TokenState;
	/** This attempt fetched that token: the request went out moments after it was issued. */
	refreshed?: boolean;
}

/** One HTTP request with the granted token; the caller that has to refresh sends it with a blank one. */
export async function attemptWithToken(
	ctx: FxiaokeContext,
	s: Session,
	grant: { state: TokenState } | { endRefresh: () => void },
	path: string,
	payload: Payload,
	timeout: number,
): Promise<Attempt> {
	if ('state' in grant) {
		const data = { ...s.credentials, ...grant.state.fields };
		return { envelope: await sendOnce(ctx, s, path, payload, timeout, data), used: grant.state };
	}
	// A blank token makes n8n run the credential's preAuthentication (the token call) and persist its result.
	const mark = tokenGeneration();
	const data: ICredentialDataDecryptedObject = { ...s.credentials, accessToken: '' };
	let envelope: FxiaokeEnvelope | undefined;
	let failure: unknown;
	try {
		envelope = await sendOnce(ctx, s, path, payload, timeout, data);
	} catch (error) {
		failure = error;
	}
	const tokenFailure = takeTokenFailure(s.fingerprint);
	// The token the call issued: handed over by preAuthentication, or else left in `data` by n8n.
	let used = currentToken(s.fingerprint);
	if (used === undefined || used.generation <= mark) {
		used = tokenFailure === undefined ? adoptStoredToken(s.fingerprint, data) : undefined;
	}
	grant.endRefresh();
	if (used === undefined && tokenFailure !== undefined) {
		// The token call failed, so the item's request was never sent.
		s.tokenFailure = notSent(tokenFailure);
		throw s.tokenFailure;
	}
	if (failure !== undefined) {
		// Without the token we cannot tell whether the failure came before or after the request went out.
		if (used === undefined && failure instanceof FxiaokeTransportFailure) failure.maybeCarriedOut = true;
		throw failure;
	}
	return { envelope: envelope!, used, refreshed: true };
}

function notSent(error: Error): Error {
	if (error instanceof FxiaokeTransportFailure) error.maybeCarriedOut = false;
	return error;
}
