import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { hasLifeLeft, isTokenFresh, type TokenFields } from './token';

/** A token as this process knows it, shared by every item and every execution. */
export interface TokenState {
	fields: TokenFields;
	/** Bumped on every refresh, so a 20016 only invalidates the token it was answered for. */
	generation: number;
	/** Fxiaoke answered 20016 for it. Kept (not deleted) so a starting execution cannot bring it back. */
	rejected?: boolean;
}

/** Handed to the one caller that refreshes: it reports the new token or the failure. */
export interface Refresh {
	complete(data: IDataObject): TokenState;
	fail(error: unknown): void;
}

/** One entry per credential and app (the key holds the credential id and the app fingerprint). */
const tokens = new Map<string, TokenState>();
/** The refresh in flight per key: at most one at a time (single flight). */
const refreshes = new Map<string, Promise<void>>();
let generations = 0;

function pickTokenFields(data: IDataObject): TokenFields {
	return {
		accessToken: String(data.accessToken ?? ''),
		ea: String(data.ea ?? ''),
		tokenExpiresAt: Number(data.tokenExpiresAt ?? 0),
		tokenFingerprint: String(data.tokenFingerprint ?? ''),
	};
}

/** Adopts the token persisted in the credential, the first time this process sees the key. */
export function seedToken(key: string, credentials: ICredentialDataDecryptedObject): void {
	if (!tokens.has(key) && isTokenFresh(credentials)) {
		tokens.set(key, { fields: pickTokenFields(credentials), generation: ++generations });
	}
}

function claimRefresh(key: string): Refresh {
	let resolve!: () => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<void>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	// Waiters observe a failure themselves; without waiters it must not become an unhandled rejection.
	promise.catch(() => undefined);
	refreshes.set(key, promise);
	return {
		complete(data) {
			const state = { fields: pickTokenFields(data), generation: ++generations };
			tokens.set(key, state);
			refreshes.delete(key);
			resolve();
			return state;
		},
		fail(error) {
			refreshes.delete(key);
			reject(error);
		},
	};
}

/**
 * Returns a token fit for use, or makes the caller the one that refreshes it. The check and the
 * claim happen without an await in between, so only one caller per key refreshes; the others wait
 * for it and share its token (or its failure).
 */
export async function acquireToken(key: string): Promise<{ state?: TokenState; refresh?: Refresh }> {
	for (;;) {
		// The key holds the app fingerprint, so only the token's remaining life needs checking here.
		const state = tokens.get(key);
		if (state && !state.rejected && hasLifeLeft(state.fields)) return { state };
		const pending = refreshes.get(key);
		if (!pending) return { refresh: claimRefresh(key) };
		await pending;
	}
}

/** Marks the token a 20016 was answered for, unless a newer one already replaced it. */
export function rejectToken(key: string, used: TokenState): void {
	const current = tokens.get(key);
	if (current !== undefined && current.generation === used.generation) current.rejected = true;
}

export function resetTokens(): void {
	tokens.clear();
	refreshes.clear();
}
