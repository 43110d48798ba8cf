'use strict';
/**
 * End to end (issue 5): five executions at once on ONE credential in ONE n8n process
 * (`n8n executeBatch --concurrency=5`) make at most one token call per refresh. The sandbox's token
 * endpoint is slow (tokenDelayMs), so overlapping token calls would be visible in its stats
 * (concurrentTokenCalls / tokenCallsConcurrentMax); the test fails on any.
 *
 * Time: the node's default rate (100 per 20 s window) made each phase's 150 revokes take 25–30 s;
 * the workflows set 100 per 2 s instead, which still spreads a phase over ~3 s, so the five
 * executions' requests interleave (the limiter serves them in arrival order; expectOverlap checks
 * it). Every token call after the first of a process waits 6 s (TOKEN_PACING), so the mid-run
 * phase's seed is one whose plan expires the token exactly 3 times (at the 29th, 50th and 122nd
 * revoke request, none more before the 400th; simulated with sandbox/faults.js): at least the 2
 * the test needs, with one to spare, and not 5 or 6 (seed 5 gave expiries at the 14th, 21st,
 * 48th, 57th, 129th and 157th).
 *
 * Needs `npm run build` first (dist/); the first run on a machine installs n8n (see test/support/n8n.js).
 */
const crypto = require('node:crypto');

const { importCredentials, importWorkflow } = require('../support/n8n');
const { buildCredential } = require('../support/workflows');
const { buildFlow, fromItem, executeBatch, fxiaokeResult } = require('../support/e2e-kit');
const audit = require('../support/fault-audit');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf } = require('../support/items');
const { useE2e, VERSION } = require('../support/e2e-fixture');

const RUN_TIMEOUT = 4 * 60 * 1000;
const TOKEN_DELAY_MS = 800;
const PER_WORKFLOW = 30;
/** The node's rate options (see the header). */
const PACE = { rateLimit: 100, rateLimitWindow: 2 };
/** The mid-run phase's fault plan: 3 % tokenExpired, seed with 3 expiries (see the header). */
const MID_RUN_SEED = 727;

describe(`token endpoint under 5 concurrent executions in one n8n ${VERSION} process`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {Record<string, any[]>} phase → workflows */
	const phases = {};
	/** @type {Record<string, string[]>} workflow id → messageIds */
	const idsOf = {};

	/** @param {string} phase @param {Record<string, unknown>} [options] */
	function flows(phase, credential, options = {}) {
		return Array.from({ length: 5 }, (_, w) => {
			const tag = crypto.randomBytes(3).toString('hex');
			const ids = Array.from({ length: PER_WORKFLOW }, (_, i) => `${phase}-w${w}-${tag}-${i}`);
			const wf = buildFlow({
				name: `token ${phase} ${w}`,
				credential,
				items: ids.map((messageId) => ({ serviceId: DEMO.serviceId, messageId })),
				parameters: fromItem.revoke({ concurrency: 3, ...PACE, ...options }),
				continueOnFail: true,
			});
			idsOf[wf.id] = ids;
			return wf;
		});
	}

	/** Runs one phase; returns the sandbox requests it caused and the batch result. @param {string} phase */
	async function runPhase(phase) {
		const before = sb.requests.length;
		const statsBefore = { ...sb.stats };
		const batch = await executeBatch(home, phases[phase].map((w) => w.id), { concurrency: 5, timeoutMs: RUN_TIMEOUT });
		if (batch.code !== 0 || Object.keys(batch.runs).length !== 5) {
			throw new Error(`executeBatch failed (exit ${batch.code}, ${Object.keys(batch.runs).length} runs)\n${batch.summaryText.slice(0, 3000)}\n${batch.stderr.slice(-3000)}`);
		}
		const requests = sb.requests.slice(before);
		return { batch, requests, tokenCalls: sb.stats.tokenCalls - statsBefore.tokenCalls, concurrent: sb.stats.concurrentTokenCalls - statsBefore.concurrentTokenCalls };
	}

	/** The 5 executions really ran at the same time: every execution's requests overlap every other's. @param {any[]} requests */
	function expectOverlap(requests, phase) {
		const spans = phases[phase].map((wf) => {
			const own = requests.filter((r) => r.endpoint === 'revoke' && idsOf[wf.id].includes(audit.bodyOf(r)?.messageId));
			return { start: Math.min(...own.map((r) => r.startedAt)), end: Math.max(...own.map((r) => r.endedAt)) };
		});
		for (const a of spans) for (const b of spans) expect(a.start).toBeLessThan(b.end);
	}

	/** Every item of every execution of the phase was revoked. @param {any} batch @param {string} phase */
	function expectAllRevoked(batch, phase) {
		for (const wf of phases[phase]) {
			const { items } = fxiaokeResult(batch.runs[wf.id]);
			expect(items.map((i) => fieldsOf(i).errorCode)).toEqual(Array(PER_WORKFLOW).fill(0));
		}
	}

	const sandboxOptions = { unknownMessages: 'accept', tokenDelayMs: TOKEN_DELAY_MS };
	useE2e({ version: VERSION, sandbox: sandboxOptions, beforeListen: audit.keepEveryBody }, async (e2e) => {
		({ sb, home } = e2e);
		const cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke shared' });
		await importCredentials(home, [cred]);
		phases.fresh = flows('fresh', cred);
		phases.expired = flows('expired', cred);
		phases.midRun = flows('midrun', cred, { concurrency: 4 });
		await importWorkflow(home, Object.values(phases).flat());
	});

	test(
		'no token yet: the 5 executions share ONE token call, nobody calls the token endpoint concurrently',
		async () => {
			const { batch, requests, tokenCalls, concurrent } = await runPhase('fresh');
			expect(concurrent).toBe(0);
			expect(sb.stats.tokenCallsConcurrentMax).toBe(1);
			expect(tokenCalls).toBe(1);
			const token = requests.find((r) => r.endpoint === 'token');
			const revokes = requests.filter((r) => r.endpoint === 'revoke');
			expect(revokes).toHaveLength(5 * PER_WORKFLOW);
			// every execution waited for that one call, and used its token
			for (const r of revokes) {
				expect(r.startedAt).toBeGreaterThanOrEqual(token.endedAt);
				expect(r.headers.authorization).toBe(`Bearer ${token.response.body.accessToken}`);
			}
			expectOverlap(requests, 'fresh');
			expectAllRevoked(batch, 'fresh');
		},
		RUN_TIMEOUT,
	);

	test(
		'the persisted token died: all 5 executions meet 20016, ONE refresh serves them all',
		async () => {
			sb.expireTokens();
			const { batch, requests, tokenCalls, concurrent } = await runPhase('expired');
			expect(concurrent).toBe(0);
			expect(sb.stats.tokenCallsConcurrentMax).toBe(1);
			const rejected = requests.filter((r) => r.endpoint === 'revoke' && r.response?.body?.errorCode === 20016);
			expect(rejected.length).toBeGreaterThanOrEqual(1);
			expect(tokenCalls).toBe(1);
			expectOverlap(requests, 'expired');
			expectAllRevoked(batch, 'expired');
		},
		RUN_TIMEOUT,
	);

	test(
		'tokens expiring mid-run (seeded tokenExpired faults): at most one token call per expiry, never two at once',
		async () => {
			sb.injectFaults({ rate: 0.03, kinds: ['tokenExpired'], seed: MID_RUN_SEED, endpoints: ['revoke'] });
			let result;
			try {
				result = await runPhase('midRun');
			} finally {
				sb.clearFaults();
			}
			const { requests, tokenCalls, concurrent } = result;
			const expiries = requests.filter((r) => r.fault === 'tokenExpired').length;
			expect(expiries).toBeGreaterThanOrEqual(2);
			expect(concurrent).toBe(0);
			expect(sb.stats.tokenCallsConcurrentMax).toBe(1);
			expect(tokenCalls).toBeGreaterThanOrEqual(1);
			expect(tokenCalls).toBeLessThanOrEqual(expiries);
			// no token call is wasted: each one follows an expiry that happened after the previous call
			const events = requests.filter((r) => r.endpoint === 'token' || r.fault === 'tokenExpired').sort((a, b) => a.startedAt - b.startedAt);
			let expiredSinceLastCall = false;
			for (const e of events) {
				if (e.endpoint === 'token') {
					expect(expiredSinceLastCall).toBe(true);
					expiredSinceLastCall = false;
				} else expiredSinceLastCall = true;
			}
		},
		RUN_TIMEOUT,
	);
});
