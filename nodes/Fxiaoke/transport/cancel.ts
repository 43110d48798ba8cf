import { sleep } from 'n8n-workflow';

/** The execution was cancelled before this request was sent: this attempt reached nothing. */
export class RequestCancelled extends Error {
	/** Set by the retry loop when an earlier attempt of the same call may have been carried out. */
	maybeCarriedOut = false;

	constructor() {
		super('The execution was cancelled before this request was sent');
	}
}

export function isCancelled(signal: AbortSignal | undefined): boolean {
	return signal?.aborted === true;
}

/** Settles with `promise`, or gives `cancelledValue` as soon as `signal` aborts. */
export async function unlessCancelled<T, C>(promise: Promise<T>, signal: AbortSignal | undefined, cancelledValue: C): Promise<T | C> {
	if (signal === undefined) return await promise;
	if (signal.aborted) return cancelledValue;
	let onAbort!: () => void;
	const aborted = new Promise<C>((resolve) => {
		onAbort = () => resolve(cancelledValue);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Waits `ms`; false when the execution was cancelled first. */
export async function waitUnlessCancelled(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
	if (signal?.aborted === true) return false;
	if (ms > 0) await sleep(ms, signal).catch(() => undefined);
	return !isCancelled(signal);
}
