import { InvalidBaseUrl } from './baseUrl';
import { RequestCancelled, waitUnlessCancelled } from './cancel';
import { attemptWithToken, type Attempt } from './attempt';
import { DEFAULT_RATE_LIMIT, DEFAULT_TIMEOUT_MS, RATE_DEFAULTS, type RequestOptions } from './constants';
import type { FxiaokeContext } from './context';
import { ERROR_CODES, FxiaokeApiFailure, FxiaokeTransportFailure, type FxiaokeEnvelope } from './errors';
import { limiterFor, type SlotOutcome } from './limiter';
import { backoffDelay, isRateLimited, isRetryable, RETRY } from './retry';
import type { Session } from './session';
import { rejectToken } from './tokenCache';
import { tokenForRequest } from './tokenForRequest';
import type { Payload } from './send';

/** What a finished call reports besides Fxiaoke's answer. */
export interface Exchange {
	envelope: FxiaokeEnvelope;
	/** An earlier attempt got no answer after the request was written: it may have been carried out. */
	maybeCarriedOut: boolean;
}

/**
 * A 20016 is answered before anything is done, so the call is sent again with a new token, this
 * often (several workers renewing one token can each meet a token the others just replaced).
 */
const TOKEN_RETRIES = 3;
/** Fresh tokens refused on the spot, one after the other, that stop a run's token calls. */
const FRESH_TOKENS_REFUSED_TO_STOP = 3;

/**
 * One logical call: paced by the app's limiter for the endpoint, sent again with a new token after
 * a 20016, and retried with backoff where `isRetryable` allows it. The retry budget counts the time
 * spent in attempts and backoff, not the time queued for a slot.
 */
export async function exchange(
	ctx: FxiaokeContext,
	s: Session,
	path: string,
	payload: Payload,
	options: RequestOptions,
): Promise<Exchange> {
	const setting = { limit: options.rateLimit ?? DEFAULT_RATE_LIMIT, windowMs: options.rateLimitWindowMs ?? RATE_DEFAULTS.windowMs };
	const limiter = limiterFor(s.app, path, setting);
	const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
	const idempotent = options.idempotent === true;
	let maybeCarriedOut = false;
	let spentMs = 0;
	let tries = 0;
	let tokenRetries = 0;
	let rateLimitedRetries = 0;
	const cancelled = () => Object.assign(new RequestCancelled(), { maybeCarriedOut });
	for (;;) {
		const grant = await tokenForRequest(ctx, s);
		if ('cancelled' in grant) throw cancelled();
		// A failed token call: this item's request is not sent (an earlier attempt may have been).
		if ('failure' in grant) throw forThisCall(grant.failure, maybeCarriedOut);
		const slot = await limiter.acquire(s.signal, setting);
		if (slot === undefined) {
			if ('endRefresh' in grant) grant.endRefresh();
			throw cancelled();
		}
		const began = Date.now();
		let attempt: Attempt | undefined;
		let caught: unknown;
		try {
			attempt = await attemptWithToken(ctx, s, grant, path, payload, timeout);
		} catch (error) {
			caught = error;
		}
		const outcome = attempt?.envelope ?? caught;
		slot.release(slotOutcome(outcome, s));
		spentMs += Date.now() - began;

		if (attempt === undefined) {
			// Only a failure of the call itself may be retried; a failed token call may not.
			if (caught instanceof RequestCancelled) throw cancelled();
			if (!(caught instanceof FxiaokeTransportFailure) || caught === s.tokenFailure) throw caught;
		} else if (attempt.envelope.errorCode === ERROR_CODES.tokenInvalid) {
			if (attempt.used !== undefined) rejectToken(s.fingerprint, attempt.used);
			if (attempt.refreshed === true) {
				// A token this call fetched was refused on the spot, before anybody else could use it up.
				// Three such in a row (an IP allow-list looks like this) and the run makes no more token
				// calls; a call whose token was already replaced once fails.
				const refused = new FxiaokeApiFailure(attempt.envelope, `Fxiaoke ${path}`);
				s.freshTokensRefused += 1;
				if (s.freshTokensRefused >= FRESH_TOKENS_REFUSED_TO_STOP) s.tokenFailure = refused;
				if (s.tokenFailure !== undefined || tokenRetries > 0) throw forThisCall(refused, maybeCarriedOut);
			}
			// Fxiaoke rejected the token and did nothing: send again with a new one.
			if (tokenRetries++ < TOKEN_RETRIES) continue;
		} else if (attempt.refreshed === true) {
			s.freshTokensRefused = 0;
		}

		const failure = attempt === undefined ? (caught as FxiaokeTransportFailure) : undefined;
		const envelope = attempt?.envelope;
		if (envelope !== undefined && envelope.errorCode === ERROR_CODES.success) return { envelope, maybeCarriedOut };
		const answer = envelope ?? failure!;
		const rateLimited = isRateLimited(answer);
		const withinBudget = rateLimited ? rateLimitedRetries++ < RETRY.maxRateLimited : ++tries < RETRY.maxAttempts;
		const mayRetry = isRetryable(answer, idempotent) && withinBudget && spentMs < RETRY.maxElapsedMs;
		if (failure !== undefined) {
			maybeCarriedOut ||= failure.maybeCarriedOut;
			if (!mayRetry) {
				failure.maybeCarriedOut = maybeCarriedOut;
				throw failure;
			}
		} else if (!mayRetry) {
			return { envelope: envelope!, maybeCarriedOut };
		}
		// (After a rate-limit answer the limiter has slowed down too.)
		const delay = backoffDelay(rateLimited ? rateLimitedRetries : tries);
		if (!(await waitUnlessCancelled(delay, s.signal))) throw cancelled();
		spentMs += delay;
	}
}

/**
 * The run's shared failure as this call reports it: a copy that says so when an earlier attempt of
 * the call may have been carried out.
 */
function forThisCall(failure: unknown, maybeCarriedOut: boolean): unknown {
	if (!maybeCarriedOut) return failure;
	if (failure instanceof FxiaokeApiFailure) {
		return Object.assign(new FxiaokeApiFailure(failure.response, failure.context), { maybeCarriedOut });
	}
	if (failure instanceof FxiaokeTransportFailure) {
		return new FxiaokeTransportFailure(failure.message, failure.reason, failure.host, true, failure.httpStatus);
	}
	return failure;
}

/** Whether the attempt counts against the window, and whether Fxiaoke said "too many". */
function slotOutcome(outcome: unknown, s: Session): SlotOutcome {
	if (
		outcome instanceof RequestCancelled ||
		outcome instanceof InvalidBaseUrl ||
		(outcome !== undefined && outcome === s.tokenFailure)
	) {
		return 'notSent';
	}
	if (outcome instanceof FxiaokeTransportFailure) {
		if (['connection-refused', 'host-not-found', 'refused-by-n8n'].includes(outcome.reason)) return 'notSent';
		return isRateLimited(outcome) ? 'rateLimited' : 'answered';
	}
	if (outcome instanceof Error) return 'answered';
	return isRateLimited(outcome as FxiaokeEnvelope) ? 'rateLimited' : 'answered';
}
