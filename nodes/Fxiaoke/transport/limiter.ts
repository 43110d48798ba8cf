import { sleep } from 'n8n-workflow';

/**
 * At most `limit` requests per `windowMs` per endpoint, as Fxiaoke counts them on arrival.
 * A request holds its slot while in flight and for one window after its reply: it arrived no
 * later than its reply, so no window at the server can ever see more than `limit` of them.
 */
export class RateLimiter {
	/** When each finished request stops counting, in ascending order (a queue). */
	private releases: number[] = [];
	private head = 0;
	private inFlight = 0;
	private idleWaiters: Array<() => void> = [];

	constructor(
		private limit: number,
		private windowMs: number,
	) {}

	configure(limit: number, windowMs: number): void {
		this.limit = limit;
		this.windowMs = windowMs;
	}

	private counted(now: number): number {
		while (this.head < this.releases.length && this.releases[this.head] <= now) this.head++;
		if (this.head > 1024 && this.head * 2 > this.releases.length) {
			this.releases = this.releases.slice(this.head);
			this.head = 0;
		}
		return this.inFlight + this.releases.length - this.head;
	}

	/** Waits for a slot; call the returned function once the reply (or failure) is in. */
	async acquire(): Promise<() => void> {
		for (;;) {
			const now = Date.now();
			if (this.counted(now) < this.limit) {
				this.inFlight++;
				let released = false;
				return () => {
					if (released) return;
					released = true;
					this.inFlight--;
					this.releases.push(Date.now() + this.windowMs);
					this.idleWaiters.splice(0).forEach((wake) => wake());
				};
			}
			if (this.head < this.releases.length) {
				await sleep(Math.max(1, this.releases[this.head] - now));
			} else {
				// Every slot is in flight: the next reply turns one into a timed release.
				await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
			}
		}
	}
}

const limiters = new Map<string, RateLimiter>();

/** One limiter per credential and endpoint, shared by every execution in this process. */
export function limiterFor(key: string, limit: number, windowMs: number): RateLimiter {
	let limiter = limiters.get(key);
	if (limiter) {
		limiter.configure(limit, windowMs);
	} else {
		limiter = new RateLimiter(limit, windowMs);
		limiters.set(key, limiter);
	}
	return limiter;
}

export function resetLimiters(): void {
	limiters.clear();
}
