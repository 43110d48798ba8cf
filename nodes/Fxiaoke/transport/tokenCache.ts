import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { hasLifeLeft, isTokenFresh, type TokenFields } from './tokenFields';

/** A token as this process knows it, shared by every item and every execution of one app. */
export interface TokenState {
	fields: TokenFields;
	/** Bumped on every new token, so a 20016 only invalidates the token it was answered for. */
	generation: number;
	/** Fxiaoke answered 20016 for it. Kept (not deleted) so a starting execution cannot bring it back. */
	rejected?: boolean;
}

interface AppTokens {
	current?: TokenState;
	/** Values answered with 20016: a stored credential still holding one is not adopted. */
	rejectedValues: string[];
	/** Waiters for the one refresh in flight (single flight per app in this process). */
	refresh?: { done: Promise<void>; release: () => void };
	/** When this process last called the token endpoint for the app. */
	lastCallAt?: number;
}

const MAX_REJECTED_VALUES = 8;
/** Keyed by the token fingerprint (base URL, App ID, Permanent Code, App Secret). */
const apps = new Map<string, AppTokens>();
let generations = 0;

function entry(fingerprint: string): AppTokens {
	let app = apps.get(fingerprint);
	if (!app) {
		app = { rejectedValues: [] };
		apps.set(fingerprint, app);
	}
	return app;
}

function pickTokenFields(data: ICredentialDataDecryptedObject | TokenFields): TokenFields {
	return {
		accessToken: String(data.accessToken ?? ''),
		ea: String(data.ea ?? ''),
		tokenExpiresAt: Number(data.tokenExpiresAt ?? 0),
		tokenFingerprint: String(data.tokenFingerprint ?? ''),
	};
}

function install(app: AppTokens, fields: TokenFields): TokenState {
	const state: TokenState = { fields, generation: ++generations };
	app.current = state;
	// Waiters go as soon as the token is known, not when the refreshing item's own request ends.
	app.refresh?.release();
	app.refresh = undefined;
	return state;
}

/** The newest token this process knows for the app, whatever its state. */
export function currentToken(fingerprint: string): TokenState | undefined {
	return apps.get(fingerprint)?.current;
}

/** A mark to tell later whether a token was installed since. */
export function tokenGeneration(): number {
	return generations;
}

/** The token to use now, if this process has one with life left that was not rejected. */
export function usableToken(fingerprint: string): TokenState | undefined {
	const state = apps.get(fingerprint)?.current;
	return state && !state.rejected && hasLifeLeft(state.fields) ? state : undefined;
}

/**
 * Adopts the token stored in the credential (n8n persists what preAuthentication returned, so it
 * may come from another worker) when it belongs to this app, has life left and was not rejected.
 */
export function adoptStoredToken(fingerprint: string, credentials: ICredentialDataDecryptedObject): TokenState | undefined {
	const usable = usableToken(fingerprint);
	if (!isTokenFresh(credentials)) return usable;
	const app = entry(fingerprint);
	const value = String(credentials.accessToken);
	if (app.rejectedValues.includes(value)) return usable;
	if (usable?.fields.accessToken === value) return usable;
	return install(app, pickTokenFields(credentials));
}

/** Called with what the token endpoint issued (from the credential's preAuthentication). */
export function publishIssuedToken(fingerprint: string, fields: TokenFields): void {
	install(entry(fingerprint), fields);
}

/** The refresh another caller of this process is running, if any. */
export function pendingRefresh(fingerprint: string): Promise<void> | undefined {
	return apps.get(fingerprint)?.refresh?.done;
}

/**
 * Makes the caller the one that refreshes. The check and the claim happen without an await in
 * between, so only one caller per app refreshes; the others wait for `pendingRefresh`. The returned
 * function ends the claim (a no-op once a token was installed).
 */
export function claimRefresh(fingerprint: string): () => void {
	const app = entry(fingerprint);
	let release!: () => void;
	const done = new Promise<void>((resolve) => (release = resolve));
	const refresh = { done, release };
	app.refresh = refresh;
	return () => {
		if (app.refresh !== refresh) return;
		app.refresh = undefined;
		release();
	};
}

export function noteTokenCall(fingerprint: string, at = Date.now()): void {
	entry(fingerprint).lastCallAt = at;
}

export function lastTokenCallAt(fingerprint: string): number | undefined {
	return apps.get(fingerprint)?.lastCallAt;
}

/** Marks the token a 20016 was answered for, unless a newer one already replaced it. */
export function rejectToken(fingerprint: string, used: TokenState): void {
	const app = entry(fingerprint);
	if (!app.rejectedValues.includes(used.fields.accessToken)) {
		app.rejectedValues.push(used.fields.accessToken);
		if (app.rejectedValues.length > MAX_REJECTED_VALUES) app.rejectedValues.shift();
	}
	if (app.current?.generation === used.generation) app.current.rejected = true;
}

export function resetTokens(): void {
	for (const app of apps.values()) app.refresh?.release();
	apps.clear();
}
