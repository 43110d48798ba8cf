// Concurrency, rate limiting and retries (issue 4) against the sandbox over real HTTP.
const { NodeApiError } = require('n8n-workflow');
const demo = require('../sandbox/demo-app');
const { runNode, sandboxCredential, useSandbox } = require('./support/harness');
const { RETRY } = require('../nodes/Fxiaoke/transport/retry');
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
	const [output] = await revokeRun(messageIds, {
		options: { concurrency: 10, rateLimit: 10, rateLimitWindow: 0.4 },
		continueOnFail: true,
	});
	expect(output.filter((o) => fieldsOf(o).errorCode !== 0)).toEqual([]);
	expect(revokes().filter((r) => r.response.body.errorCode === 14001)).toHaveLength(0);
	// On the sandbox's one clock, no 400 ms span saw more than 10 arrivals (a sliding window: the
	// node counts each request from its start to a window after its reply).
	const arrivals = revokes().map((r) => r.startedAt).sort((a, b) => a - b);
	expect(arrivals).toHaveLength(45);
	for (let k = 10; k < arrivals.length; k++) expect(arrivals[k] - arrivals[k - 10]).toBeGreaterThanOrEqual(400);
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

test('a revoke applied but unanswered is retried; the "already revoked" answer is a success with alreadyRevoked, or with Treat as Error an error that says possiblyRevoked', async () => {
	sandbox.seedMessages(demo.serviceId, ['a', 'b']);
	sandbox.injectNext('resetAfterApply', 1, 'revoke');
	const [output] = await revokeRun(['a', 'b'], { continueOnFail: true, options: { concurrency: 1 } });
	expect(sandbox.messages.get('a').revoked).toBe(true);
	expect(output.map((o) => [o.json.errorCode, o.json.alreadyRevoked])).toEqual([[0, true], [0, false]]);
	sandbox.seedMessages(demo.serviceId, ['c', 'd']);
	sandbox.injectNext('resetAfterApply', 1, 'revoke');
	const [strict] = await revokeRun(['c', 'd'], { continueOnFail: true, options: { concurrency: 1, alreadyRevoked: 'error' } });
	expect(fieldsOf(strict[0]).errorCode).toBe(90003);
	expect(fieldsOf(strict[0]).possiblyRevoked).toBe(true);
	expect(fieldsOf(strict[1]).errorCode).toBe(0);
	expect(fieldsOf(strict[1]).possiblyRevoked).toBeUndefined();
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
