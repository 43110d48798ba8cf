// The node's rate limiter in virtual time: jest's fake clock drives Date.now and the timers behind
// n8n-workflow's sleep, so every wait below is exact and no bound depends on how busy the machine is.
// Its behaviour against the sandbox over HTTP: test/bulk.integration.test.js; several processes:
// test/production.integration.test.js and bench/pacing-sim.js.
const { RateLimiter } = require('../nodes/Fxiaoke/transport/limiter');

// (setImmediate stays real: drive() lets every promise settle with it before the next timer.)
beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => {
	jest.useRealTimers();
	jest.restoreAllMocks();
});

/** Runs the pending timers, in order, until `work` settles; its value. @template T @param {Promise<T>} work */
async function drive(work) {
	let done = false;
	const result = work.finally(() => {
		done = true;
	});
	for (;;) {
		await new Promise(setImmediate);
		if (done) break;
		if (jest.getTimerCount() === 0) throw new Error('the limiter waits for something no timer will bring');
		await jest.advanceTimersToNextTimerAsync();
	}
	return result;
}

/** Takes the next slot (for a node with `setting`) and ends it with `outcome`; how long it waited for the slot. */
async function take(limiter, outcome = 'answered', setting = undefined) {
	const started = Date.now();
	const slot = await drive(limiter.acquire(undefined, setting));
	const waited = Date.now() - started;
	slot.release(outcome);
	return waited;
}

test('never lets more than `limit` requests start within one window of an earlier reply, and keeps up the rate', async () => {
	const limiter = new RateLimiter(3, 100);
	const t0 = Date.now();
	const starts = [];
	await drive(
		Promise.all(
			Array.from({ length: 9 }, async () => {
				const slot = await limiter.acquire();
				starts.push(Date.now() - t0);
				slot.release('answered');
			}),
		),
	);
	for (let i = 3; i < starts.length; i++) expect(starts[i] - starts[i - 3]).toBeGreaterThanOrEqual(100);
	// 9 requests at 3 per 100 ms: the last starts within the third window.
	expect(starts[8]).toBeLessThanOrEqual(300);
});

test('serves waiters in arrival order', async () => {
	const limiter = new RateLimiter(2, 60);
	const order = [];
	await drive(
		Promise.all(
			Array.from({ length: 8 }, async (_, i) => {
				const slot = await limiter.acquire();
				order.push(i);
				slot.release('answered');
			}),
		),
	);
	expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
});

test('a request never sent gives its slot back at once', async () => {
	const limiter = new RateLimiter(1, 10_000);
	expect(await take(limiter, 'notSent')).toBe(0);
	expect(await take(limiter)).toBe(0);
	// An answered one holds it for the window.
	expect(await take(limiter)).toBe(10_000);
});

test('rate-limit answers in a row pause the next request a quarter window, then half, then a whole one; an accepted answer ends the row', async () => {
	const limiter = new RateLimiter(1000, 800);
	await take(limiter, 'rateLimited');
	expect(await take(limiter, 'rateLimited')).toBe(200);
	expect(await take(limiter, 'rateLimited')).toBe(400);
	expect(await take(limiter, 'answered')).toBe(800);
	await jest.advanceTimersByTimeAsync(3 * 800); // past the hold: the rate is back up
	expect(await take(limiter, 'rateLimited')).toBe(0); // the row ended: no pause before this one
	expect(await take(limiter, 'answered')).toBe(200); // a new row starts at a quarter
});

test('a rate-limit answer lowers the rate to the share that got through; after the hold it grows by 1, 3, 7, 15 eighths of the way back', async () => {
	jest.spyOn(Math, 'random').mockReturnValue(0); // the hold's random part: none, so the hold is one window
	const limiter = new RateLimiter(40, 300);
	for (let i = 0; i < 8; i++) await take(limiter);
	await take(limiter, 'rateLimited');
	const reducedAt = Date.now();
	expect(limiter.allowed()).toBe(10); // a quarter of 40 at least; 8 got through
	const at = (windowsAfterHold) => limiter.allowed(reducedAt + 300 + windowsAfterHold * 300);
	expect(limiter.allowed(reducedAt + 299)).toBe(10);
	expect([at(0), at(1), at(2), at(3)]).toEqual([10 + 4, 10 + 12, 10 + 27, 40]); // ⌈30 × 1/8⌉, ⌈30 × 3/8⌉, ⌈30 × 7/8⌉, all
});

test('a rate-limit answer takes at least a quarter off, however much got through', async () => {
	const limiter = new RateLimiter(40, 1000);
	const slots = [];
	for (let i = 0; i < 35; i++) slots.push(await drive(limiter.acquire()));
	for (const slot of slots) slot.release('answered');
	await take(limiter, 'rateLimited');
	expect(limiter.allowed()).toBe(30);
});

test('rate-limit answers never take the rate below an eighth of the limit', async () => {
	const limiter = new RateLimiter(40, 100);
	const seen = [];
	for (let i = 0; i < 4; i++) {
		if (i > 0) await jest.advanceTimersByTimeAsync(110); // one decrease per window
		await take(limiter, 'rateLimited');
		seen.push(limiter.allowed()); // read within the hold
	}
	expect(seen).toEqual([10, 5, 5, 5]); // 40 → 10 (a quarter at least) → 5 (an eighth), and no lower
});

test('settings changed: times are computed from the current window', async () => {
	const limiter = new RateLimiter(1, 20_000);
	await take(limiter, 'answered', { limit: 1, windowMs: 20_000 });
	expect(await take(limiter, 'answered', { limit: 1, windowMs: 100 })).toBe(100);
});

test('other settings never reset what rate-limit answers taught; while several are in use the lowest governs', async () => {
	jest.spyOn(Math, 'random').mockReturnValue(0); // a hold of one window
	const own = { limit: 100, windowMs: 1000 };
	const limiter = new RateLimiter(own.limit, own.windowMs);
	for (let i = 0; i < 8; i++) await take(limiter, 'answered', own);
	await take(limiter, 'rateLimited', own);
	const refusedAt = Date.now();
	expect(limiter.allowed()).toBe(25); // a quarter of 100 (8 got through)
	// Two nodes of the same app with Rate Limit 60 and 100: the lowered rate and the pause (250 ms) stay.
	const sixty = drive(limiter.acquire(undefined, { limit: 60, windowMs: 1000 }));
	const hundred = drive(limiter.acquire(undefined, { limit: 100, windowMs: 1000 }));
	const [a, b] = await Promise.all([sixty, hundred]);
	expect(Date.now() - refusedAt).toBe(250);
	expect(limiter.allowed()).toBe(25);
	// While both are in use, the rate grows back to 60, not 100…
	expect(limiter.allowed(refusedAt + 60_000)).toBe(60);
	a.release('answered');
	// …and once only 100 is, to 100.
	expect(limiter.allowed(refusedAt + 60_000)).toBe(100);
	b.release('answered');
});

test('a cancelled wait leaves the queue at once and holds no slot', async () => {
	const limiter = new RateLimiter(1, 10_000);
	await take(limiter);
	const controller = new AbortController();
	const waiting = limiter.acquire(controller.signal);
	controller.abort();
	expect(await waiting).toBeUndefined();
	// The slot the cancelled wait would have taken is free when the window ends.
	expect(await take(limiter)).toBe(10_000);
	expect(await take(limiter)).toBe(10_000);
});
