import { isCancelled, unlessCancelled, waitUnlessCancelled } from './cancel';
import { CREDENTIAL_TYPE } from './constants';
import type { FxiaokeContext } from './context';
import type { Session } from './session';
import {
	adoptStoredToken,
	claimRefresh,
	lastTokenCallAt,
	pendingRefresh,
	usableToken,
	type TokenState,
} from './tokenCache';

export const TOKEN_PACING = {
	/** Fxiaoke allows about 10 token calls a minute per app. */
	minIntervalMs: 6_000,
	/**
	 * A random wait before a token call, after which the stored credential is read again: when two
	 * workers need a token at once, the later one then usually adopts the one the first stored.
	 */
	jitterMs: 400,
};

/**
 * A token to use; or the duty to refresh it (send with a blank token, then call `endRefresh`); or
 * the run's token failure; or word that the execution was cancelled.
 */
export type TokenGrant =
	| { state: TokenState }
	| { endRefresh: () => void }
	| { failure: unknown }
	| { cancelled: true };

/** Reads the credential again (n8n reads it from the database) and adopts a token stored since. */
async function adoptFromStore(ctx: FxiaokeContext, s: Session): Promise<boolean> {
	let stored;
	try {
		stored = await ctx.getCredentials(CREDENTIAL_TYPE);
	} catch {
		return false; // the token call that follows reports any real credential problem
	}
	return adoptStoredToken(s.fingerprint, stored) !== undefined;
}

/**
 * Gives a usable token, waits for the refresh another item of this process runs (single flight),
 * adopts a token another process stored, or makes the caller the one that refreshes, no sooner
 * than the minimum interval between token calls allows. Called before a limiter slot is taken, so
 * that items waiting for a token hold no slot and do not all go at once when it arrives.
 */
export async function tokenForRequest(ctx: FxiaokeContext, s: Session): Promise<TokenGrant> {
	for (;;) {
		if (isCancelled(s.signal)) return { cancelled: true };
		if (s.tokenFailure !== undefined) return { failure: s.tokenFailure };
		const state = usableToken(s.fingerprint);
		if (state) return { state };
		const pending = pendingRefresh(s.fingerprint);
		if (pending) {
			await unlessCancelled(pending, s.signal, undefined);
			continue;
		}
		const endRefresh = claimRefresh(s.fingerprint);
		let handedOver = false;
		try {
			// (Adopting a token ends the claim: installing a token releases its waiters.)
			if (await adoptFromStore(ctx, s)) continue;
			const last = lastTokenCallAt(s.fingerprint);
			const spacing = last === undefined ? 0 : last + TOKEN_PACING.minIntervalMs - Date.now();
			const waited = await waitUnlessCancelled(Math.max(spacing, 0) + Math.random() * TOKEN_PACING.jitterMs, s.signal);
			if (!waited || (await adoptFromStore(ctx, s))) continue;
			handedOver = true;
			return { endRefresh };
		} finally {
			if (!handedOver) endRefresh();
		}
	}
}
