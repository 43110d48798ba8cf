// Concurrency, rate limiting and retries (issue 4) against the sandbox over real HTTP.
const { NodeApiError } = require('n8n-workflow');
const demo = require('../sandbox/demo-app');
const { runNode, sandboxCredential, useSandbox } = require('./support/harness');
const { RETRY } = require('../nodes/Fxiaoke/transport/retry');
const { RateLimiter } = require('../nodes/Fxiaoke/transport/limiter');
const { fieldsOf } = require('./support/items');

let sandbox;
let baseUrl;
const savedRetry = { ...RETRY };
// Backoff kept short: the policy (what is retried) is what is under test.
useSandbox({ each: { rateLimit: null, latencyMs: 0 }, retry: { baseDelayMs: 5, maxDelayMs: 20 } }, (env) => ({ sandbox, baseUrl } = env));

const ids = (n, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const revokes = () => sandbox.requests.filter((r) => r.endpoint === 'revoke');

function revokeRun(messageIds, { options = {}, continueOnFail = false, credential = sandboxCredential(baseUrl) } = {}) {
	const items = messageIds.map((messageId) => ({ serviceId: demo.serviceId, messageId }));
	const parameters = (i) => ({ resource: 'message', operation: 'revoke', options, ...items[i] });
	return runNode({ items, parameters, credential, continueOnFail });
}

test('with concurrency 8 output order and pairing follow the input exactly', async () => {
	const messageIds = ids(60);
	sandbox.seedMessages(demo.serviceId, messageIds);
	sandbox.configure({ latencyMs: 15 });
	const [output] = await revokeRun(messageIds, { options: { concurrency: 8 } });
	expect(output.map((o) => o.pairedItem.item)).toEqual(messageIds.map((_, i) => i));
	// Each output is the answer to its own request: match traceIds to the request of that messageId.
	const traceByMessage = new Map(revokes().map((r) => [JSON.parse(r.rawBody).messageId, r.response.body.traceId]));
	output.forEach((o, i) => expect(fieldsOf(o).traceId).toBe(traceByMessage.get(messageIds[i])));
	// Requests really overlapped.
	const sent = revokes();
	const overlapping = sent.filter((a) => sent.some((b) => b !== a && b.startedAt < a.endedAt && a.startedAt < b.endedAt));
	expect(overlapping.length).toBeGreaterThan(0);
});

test('the rate limiter keeps every server window within the limit: 0 failed items', async () => {
	const messageIds = ids(45);
	sandbox.seedMessages(demo.serviceId, messageIds);
	sandbox.configure({ rateLimit: { limit: 10, windowMs: 400, endpoints: ['revoke'] } });
	const started = Date.now();
	const [output] = await revokeRun(messageIds, {
		options: { concurrency: 10, rateLimit: 10, rateLimitWindow: 0.4 },
		continueOnFail: true,
	});
	const elapsed = Date.now() - started;
	expect(output.filter((o) => fieldsOf(o).errorCode !== 0)).toEqual([]);
	expect(revokes().filter((r) => r.response.body.errorCode === 14001)).toHaveLength(0);
	// 45 requests at 10 per 0.4 s need at least 4 full windows.
	expect(elapsed).toBeGreaterThanOrEqual(4 * 400);
});

test('without pacing the same load meets rate-limit errors, which are retried until they pass', async () => {
	const messageIds = ids(30);
	sandbox.seedMessages(demo.serviceId, messageIds);
	sandbox.configure({ rateLimit: { limit: 10, windowMs: 300, endpoints: ['revoke'] } });
	Object.assign(RETRY, { baseDelayMs: 200, maxDelayMs: 400 });
	try {
		const [output] = await revokeRun(messageIds, { options: { concurrency: 10, rateLimit: 100000 } });
		expect(output.every((o) => fieldsOf(o).errorCode === 0)).toBe(true);
		expect(revokes().some((r) => r.response.body.errorCode === 14001)).toBe(true);
	} finally {
		Object.assign(RETRY, { baseDelayMs: 5, maxDelayMs: 20 });
	}
});

describe('Revoke retries transient failures', () => {
	test.each([
		'rateLimit14001',
		'rateLimit30004',
		'busy',
		'serviceTimeout50009',
		'http429',
		'http500',
		'http502',
		'http503',
		'resetBeforeReply',
	])('%s once → retried, succeeds', async (fault) => {
		sandbox.seedMessages(demo.serviceId, ['a']);
		sandbox.injectNext(fault, 1, 'revoke');
		const [output] = await revokeRun(['a']);
		expect(fieldsOf(output[0]).errorCode).toBe(0);
		expect(revokes()).toHaveLength(2);
		expect(revokes()[0].fault).toBe(fault);
	});

	test('gives up after the capped number of attempts', async () => {
		sandbox.seedMessages(demo.serviceId, ['a']);
		sandbox.injectNext('busy', 50, 'revoke');
		const error = await revokeRun(['a']).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.errorCode).toBe(-1);
		expect(revokes()).toHaveLength(RETRY.maxAttempts);
	});
});

test.each([
	['quotaDaily30002', 30002, /daily OpenAPI quota/],
	['quotaNone30003', 30003, /not bought/],
])('quota code %s is never retried and gets a clear message', async (fault, code, hint) => {
	sandbox.seedMessages(demo.serviceId, ['a']);
	sandbox.injectNext(fault, 1, 'revoke');
	const error = await revokeRun(['a']).catch((e) => e);
	expect(error.context.errorCode).toBe(code);
	expect(error.description).toMatch(hint);
	expect(revokes()).toHaveLength(1);
});

test('a revoke applied but unanswered is retried; the "already revoked" answer says possiblyRevoked', async () => {
	sandbox.seedMessages(demo.serviceId, ['a', 'b']);
	sandbox.injectNext('resetAfterApply', 1, 'revoke');
	const [output] = await revokeRun(['a', 'b'], { continueOnFail: true, options: { concurrency: 1 } });
	expect(sandbox.messages.get('a').revoked).toBe(true);
	expect(fieldsOf(output[0]).errorCode).not.toBe(0);
	expect(fieldsOf(output[0]).possiblyRevoked).toBe(true);
	expect(fieldsOf(output[1]).errorCode).toBe(0);
	expect(fieldsOf(output[1]).possiblyRevoked).toBeUndefined();
});

test('a plain Fxiaoke error without an ambiguous attempt does not claim possiblyRevoked', async () => {
	const [output] = await revokeRun(['unknown'], { continueOnFail: true });
	expect(fieldsOf(output[0]).errorCode).not.toBe(0);
	expect(fieldsOf(output[0]).possiblyRevoked).toBeUndefined();
});

test('a reply slower than the timeout option fails the item as a timeout, after retries', async () => {
	sandbox.seedMessages(demo.serviceId, ['a']);
	sandbox.injectNext('slowReply', 10, 'revoke', { slowMs: 2000 });
	Object.assign(RETRY, { maxAttempts: 2 });
	try {
		const [output] = await revokeRun(['a'], { continueOnFail: true, options: { timeout: 200 } });
		expect(fieldsOf(output[0]).transportReason).toBe('timeout');
		expect(fieldsOf(output[0]).possiblyRevoked).toBe(true);
		expect(revokes()).toHaveLength(2);
	} finally {
		Object.assign(RETRY, { maxAttempts: savedRetry.maxAttempts });
	}
});

describe('RateLimiter', () => {
	test('never lets more than `limit` requests start within one window of an earlier reply', async () => {
		const limiter = new RateLimiter(3, 100);
		const starts = [];
		await Promise.all(
			Array.from({ length: 9 }, async () => {
				const slot = await limiter.acquire();
				starts.push(Date.now());
				slot.release('answered');
			}),
		);
		starts.sort((a, b) => a - b);
		for (let i = 3; i < starts.length; i++) expect(starts[i] - starts[i - 3]).toBeGreaterThanOrEqual(99);
	});

	test('serves waiters in arrival order', async () => {
		const limiter = new RateLimiter(2, 60);
		const order = [];
		await Promise.all(
			Array.from({ length: 8 }, async (_, i) => {
				const slot = await limiter.acquire();
				order.push(i);
				slot.release('answered');
			}),
		);
		expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
	});

	test('a request never sent gives its slot back at once', async () => {
		const limiter = new RateLimiter(1, 10_000);
		(await limiter.acquire()).release('notSent');
		const started = Date.now();
		(await limiter.acquire()).release('answered');
		expect(Date.now() - started).toBeLessThan(50);
	});

	test('rate-limit answers in a row pause the next request a quarter window, then half, then a whole one; an accepted answer ends the row', async () => {
		const limiter = new RateLimiter(1000, 800);
		/** How long the next request waited for its slot, answered with `outcome`. @param {string} outcome */
		const next = async (outcome) => {
			const started = Date.now();
			const slot = await limiter.acquire();
			const waited = Date.now() - started;
			slot.release(outcome);
			return waited;
		};
		await next('rateLimited');
		expect(await next('rateLimited')).toBeGreaterThanOrEqual(195); // 200 ms after the first
		expect(await next('rateLimited')).toBeGreaterThanOrEqual(395); // 400 ms after the second
		expect(await next('answered')).toBeGreaterThanOrEqual(795); // 800 ms: a whole window
		await new Promise((r) => setTimeout(r, 3 * 800)); // past the hold: the rate is back up
		expect(await next('rateLimited')).toBeLessThan(100); // the row ended: no pause before this one
		expect(await next('answered')).toBeGreaterThanOrEqual(195); // a new row starts at a quarter
	});

	test('a rate-limit answer lowers the rate to the share that got through, then it grows back to the limit', async () => {
		const limiter = new RateLimiter(40, 300);
		for (let i = 0; i < 8; i++) (await limiter.acquire()).release('answered');
		(await limiter.acquire()).release('rateLimited');
		expect(limiter.allowed()).toBe(10); // a quarter of 40 at least; 8 got through
		await new Promise((r) => setTimeout(r, 4 * 300)); // past the hold (one to two windows)
		expect(limiter.allowed()).toBeGreaterThan(10);
		await new Promise((r) => setTimeout(r, 4 * 300 + 50)); // 1, 3, 7, 15 eighths of the way: back at 40
		expect(limiter.allowed()).toBe(40);
	});

	test('a rate-limit answer takes at least a quarter off, however much got through', async () => {
		const limiter = new RateLimiter(40, 1000);
		const slots = [];
		for (let i = 0; i < 35; i++) slots.push(await limiter.acquire());
		for (const slot of slots) slot.release('answered');
		(await limiter.acquire()).release('rateLimited');
		expect(limiter.allowed()).toBe(30);
	});

	test('rate-limit answers never take the rate below an eighth of the limit', async () => {
		const limiter = new RateLimiter(40, 100);
		for (let i = 0; i < 4; i++) {
			if (i > 0) await new Promise((r) => setTimeout(r, 110)); // one decrease per window
			(await limiter.acquire()).release('rateLimited');
		}
		expect(limiter.allowed()).toBe(5); // 40 → 10 → 5, and no lower (read within the hold)
	});

	test('settings changed: times are computed from the current window', async () => {
		const limiter = new RateLimiter(1, 20_000);
		(await limiter.acquire()).release('answered');
		limiter.configure(1, 100);
		const started = Date.now();
		(await limiter.acquire()).release('answered');
		expect(Date.now() - started).toBeLessThan(300);
	});

	test('a cancelled wait leaves the queue at once and holds no slot', async () => {
		const limiter = new RateLimiter(1, 10_000);
		(await limiter.acquire()).release('answered');
		const controller = new AbortController();
		const waiting = limiter.acquire(controller.signal);
		controller.abort();
		expect(await waiting).toBeUndefined();
	});
});
