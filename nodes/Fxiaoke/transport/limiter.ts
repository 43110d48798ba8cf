import { sleep } from 'n8n-workflow';


/** How a request that held a slot ended. */
export type SlotOutcome = 'answered' | 'rateLimited' | 'notSent';

export interface Slot {
	/** When the request was started (granted its slot). */
	readonly startedAt: number;
	/** Call once when the request is over; a request never sent stops counting at once. */
	release(outcome: SlotOutcome): void;
}

/**
 * A burst may use a tenth of the allowed rate (and at least 2 requests); the rest is spread over the
 * window, so that a worker joining others does not send a burst into a window they already filled.
 * Measured: queue-mode e2e, 4 workers (commit cb8ef70, a tenth); the minimum 2 (was 3) with the pause
 * below, bench/pacing-sim.js with workers starting up to 2 s apart (rejections p90 28 → 22).
 */
const BURST_SHARE = 10;
const MIN_BURST = 2;
/**
 * A rate-limit answer to a request sent after the previous one arrived says the window is still
 * full: the next request waits a quarter of a window, then half, up to a whole one, while such
 * answers come in a row (a worker joining a window others filled stops probing it).
 * Measured: bench/pacing-sim.js, 4 workers starting up to 2 s apart (rejections p90 28 → 22, worst 35 → 26).
 */
const PAUSE_SHARE = 4;
/**
 * After a rate-limit answer the rate holds for one window plus a random part of another (so that
 * workers sharing the limit do not all probe at once), then grows by 1, 2, 4, … eighths of its
 * distance from the limit per window: small steps while others still take their share, the whole
 * limit within a few windows once they are done, soonest for the worker that was furthest below.
 * Measured: bench/pacing-sim.js --lag=2000 --trials=1000, eighths against sixteenths: runs over 1.3 ×
 * or 15 % of 1,000 went 44 → 8 (2 workers) and 12 → 1 (4 workers). The hold of 1–2 windows is the
 * design of commit cb8ef70 (checked in the queue-mode e2e), not tuned since.
 */
const HOLD_WINDOWS = 1;
const HOLD_JITTER_WINDOWS = 1;
const GROWTH_STEPS = 8;
/**
 * A rate-limit answer takes the rate down to at most this share of it, so that a worker with a
 * high rate gives up more than one with a low rate and workers converge on equal shares…
 */
const BACK_OFF = 0.75;
/**
 * …and to no less than this share of it (a process that sent little in the window)… (BACK_OFF,
 * MAX_DECREASE and MAX_SHARERS are design choices of commits cd37b1f, 79375dc and cb8ef70, checked in
 * the queue-mode e2e with 2 and 4 workers, not tuned by measurement since.)
 */
const MAX_DECREASE = 4;
/**
 * …nor below the configured rate shared by this many processes: a worker that got nothing through
 * (others took the window first) must not starve while the others hold their rates.
 */
const MAX_SHARERS = 8;

/** A node's Rate Limit options: `limit` requests per `windowMs`. */
export interface RateSetting {
	limit: number;
	windowMs: number;
}

interface Finished {
	/** When its answer arrived: it counts for one window from then. */
	at: number;
	accepted: boolean;
}

/**
 * At most `limit` requests per `windowMs` per app and endpoint, as Fxiaoke counts them on
 * arrival. A request holds its slot while in flight and for one window after its answer (it
 * arrived no later than that), so no window at the server sees more than `limit` from this
 * process. Requests are spread over the window (a burst takes a tenth of it) and waiters are
 * served in arrival order.
 *
 * Nodes of one app may set different Rate Limits: while calls with several settings wait or run, the
 * lowest rate of them governs, and a change of setting keeps what Fxiaoke's answers taught.
 *
 * Several processes (queue-mode workers) share Fxiaoke's limit without sharing this limiter, so it
 * adapts: a rate-limit answer lowers the allowed rate by a quarter, or to what this process got
 * through in the last window if that is less (its share, but not below a quarter of the window's
 * starting rate nor an eighth of `limit`); after a short hold the rate grows back, slowly at first
 * and then faster, up to `limit` (eighths of the distance to it: a worker left alone once the
 * others are done soon has the whole limit).
 */
export class RateLimiter {
	private finished: Finished[] = [];
	private head = 0;
	private inFlight = 0;
	private queue: Array<{ grant: () => void }> = [];
	/** The allowed rate right after the last rate-limit answer, and when that was. */
	private reducedTo: number;
	private reducedAt = -Infinity;
	private holdMs = 0;
	/** The lowest rate decreases may reach in the current window. */
	private floor = 1;
	private tokens: number;
	private refilledAt = Date.now();
	private wakeAt = Infinity;
	/** When the last rate-limit answer arrived, how many came in a row (see PAUSE_SHARE), and the pause they set. */
	private refusedAt = -Infinity;
	private refusedInARow = 0;
	private pausedUntil = 0;
	/** The settings of the calls waiting for or holding a slot now, with how many each. */
	private inUse = new Map<string, RateSetting & { calls: number }>();

	constructor(
		private limit: number,
		private windowMs: number,
	) {
		this.reducedTo = limit;
		this.tokens = this.burst(limit);
	}

	/**
	 * Another limit or window: what rate-limit answers taught (a lowered rate, its hold, a pause)
	 * stays, within the new limit; the window's accounting follows the new length.
	 */
	private configure({ limit, windowMs }: RateSetting): void {
		if (limit === this.limit && windowMs === this.windowMs) return;
		this.limit = limit;
		this.windowMs = windowMs;
		this.reducedTo = Math.min(this.reducedTo, limit);
		this.tokens = Math.min(this.tokens, this.burst(limit));
		this.pump();
	}

	/** Counts a call of `setting` as in use until the returned function is called; the lowest rate in use governs. */
	private use(setting: RateSetting): () => void {
		const key = `${setting.limit}/${setting.windowMs}`;
		const entry = this.inUse.get(key) ?? { ...setting, calls: 0 };
		entry.calls++;
		this.inUse.set(key, entry);
		this.configure(this.lowestInUse());
		let done = false;
		return () => {
			if (done) return;
			done = true;
			if (--entry.calls === 0) this.inUse.delete(key);
			// With no call left the last setting stays until another comes.
			if (this.inUse.size > 0) this.configure(this.lowestInUse());
		};
	}

	private lowestInUse(): RateSetting {
		let lowest: RateSetting | undefined;
		for (const s of this.inUse.values()) if (lowest === undefined || s.limit / s.windowMs < lowest.limit / lowest.windowMs) lowest = s;
		return lowest ?? { limit: this.limit, windowMs: this.windowMs };
	}

	/** The rate allowed now: the configured one, or less after a recent rate-limit answer (read by tests). */
	allowed(now = Date.now()): number {
		const quietWindows = Math.floor((now - this.reducedAt - this.holdMs) / this.windowMs);
		if (quietWindows < 0) return this.reducedTo;
		if (quietWindows >= 30) return this.limit;
		const steps = 2 ** (quietWindows + 1) - 1;
		return Math.min(this.limit, this.reducedTo + Math.ceil(((this.limit - this.reducedTo) * steps) / GROWTH_STEPS));
	}

	private burst(allowed: number): number {
		return Math.min(allowed, Math.max(MIN_BURST, Math.ceil(allowed / BURST_SHARE)));
	}

	private counted(now: number): number {
		while (this.head < this.finished.length && this.finished[this.head].at + this.windowMs <= now) this.head++;
		if (this.head > 1024 && this.head * 2 > this.finished.length) {
			this.finished = this.finished.slice(this.head);
			this.head = 0;
		}
		return this.inFlight + this.finished.length - this.head;
	}

	private refill(now: number, allowed: number): void {
		const rate = allowed / this.windowMs;
		this.tokens = Math.min(this.burst(allowed), this.tokens + (now - this.refilledAt) * rate);
		this.refilledAt = now;
	}

	/** Milliseconds until the next request may start, 0 if it may start now, Infinity if a reply must come first. */
	private delay(now: number): number {
		const allowed = this.allowed(now);
		this.refill(now, allowed);
		const over = this.counted(now) - allowed;
		let wait = 0;
		if (over >= 0) {
			const index = this.head + over;
			wait = index < this.finished.length ? this.finished[index].at + this.windowMs - now : Infinity;
		}
		if (this.tokens < 1) wait = Math.max(wait, ((1 - this.tokens) * this.windowMs) / allowed);
		return Math.max(0, wait, this.pausedUntil - now);
	}

	private pump(): void {
		while (this.queue.length > 0) {
			const now = Date.now();
			const wait = this.delay(now);
			if (wait > 0) {
				if (wait !== Infinity) this.wakeIn(now, Math.ceil(wait));
				return;
			}
			this.tokens -= 1;
			this.inFlight++;
			this.queue.shift()!.grant();
		}
	}

	/** One timer at a time, for the earliest moment a waiter may go. */
	private wakeIn(now: number, ms: number): void {
		const at = now + ms;
		if (at >= this.wakeAt) return;
		this.wakeAt = at;
		void sleep(ms).then(() => {
			// (A timer may fire a millisecond early: pump() then sets the next one.)
			if (this.wakeAt === at) this.wakeAt = Infinity;
			this.pump();
		});
	}

	/**
	 * Waits for a slot, in arrival order; undefined (and no slot held) once the execution is
	 * cancelled. `setting` is the calling node's Rate Limit (default: the limiter's own).
	 */
	async acquire(signal?: AbortSignal, setting?: RateSetting): Promise<Slot | undefined> {
		if (signal?.aborted === true) return undefined;
		const done = setting === undefined ? () => undefined : this.use(setting);
		const granted = await new Promise<boolean>((resolve) => {
			const waiter = {
				grant: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(true);
				},
			};
			const onAbort = () => {
				const index = this.queue.indexOf(waiter);
				if (index < 0) return;
				this.queue.splice(index, 1);
				resolve(false);
				this.pump();
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.queue.push(waiter);
			this.pump();
		});
		if (!granted) done();
		return granted ? this.slot(Date.now(), done) : undefined;
	}

	private slot(startedAt: number, done: () => void): Slot {
		let released = false;
		return {
			startedAt,
			release: (outcome) => {
				if (released) return;
				released = true;
				done();
				this.inFlight--;
				const now = Date.now();
				if (outcome === 'notSent') this.tokens = Math.min(this.burst(this.allowed(now)), this.tokens + 1);
				else this.finished.push({ at: now, accepted: outcome === 'answered' });
				if (outcome === 'answered') this.refusedInARow = 0;
				if (outcome === 'rateLimited') {
					this.pauseAfterRefusal(now, startedAt);
					this.slowDown(now, startedAt);
				}
				this.pump();
			},
		};
	}

	private pauseAfterRefusal(now: number, startedAt: number): void {
		if (startedAt >= this.refusedAt) {
			this.refusedInARow++;
			const pause = Math.min(this.windowMs, (this.windowMs / PAUSE_SHARE) * 2 ** (this.refusedInARow - 1));
			this.pausedUntil = Math.max(this.pausedUntil, now + pause);
		}
		this.refusedAt = now;
	}

	/**
	 * Lowers the rate by a quarter, or to this process's share (what it got through in the last
	 * window) if that is less, but to no less than a quarter of the rate the window started with (a
	 * process that sent little in the window is not stopped by its answers) and never below an eighth
	 * of the configured rate. Within one window the rate goes down by one step only: more rejections
	 * there tell of the same full window.
	 */
	private slowDown(now: number, startedAt: number): void {
		// A request started before the last decrease reports on the old rate, not the new one.
		if (startedAt < this.reducedAt) return;
		this.counted(now);
		let accepted = 0;
		for (let i = this.head; i < this.finished.length; i++) if (this.finished[i].accepted) accepted++;
		const allowed = this.allowed(now);
		const newWindow = now - this.reducedAt >= this.windowMs;
		if (newWindow) this.floor = Math.ceil(allowed / MAX_DECREASE);
		const share = Math.min(newWindow ? Math.floor(allowed * BACK_OFF) : allowed, Math.max(accepted, this.floor));
		this.reducedTo = Math.max(Math.ceil(this.limit / MAX_SHARERS), share);
		this.reducedAt = now;
		this.holdMs = (HOLD_WINDOWS + Math.random() * HOLD_JITTER_WINDOWS) * this.windowMs;
		this.tokens = Math.min(this.tokens, 0);
		this.refilledAt = now;
	}
}

const limiters = new Map<string, RateLimiter>();

/**
 * One limiter per app (base URL and App ID) and endpoint, shared by every execution and every
 * credential of that app in this process: Fxiaoke counts per app, not per n8n credential. Each call
 * passes its node's setting to acquire().
 */
export function limiterFor(app: string, path: string, setting: RateSetting): RateLimiter {
	const key = `${app}|${path}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new RateLimiter(setting.limit, setting.windowMs);
		limiters.set(key, limiter);
	}
	return limiter;
}

export function resetLimiters(): void {
	limiters.clear();
}
