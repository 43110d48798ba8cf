'use strict';
/**
 * Part 4 of the benchmark: queue mode (a main and 2, then 4 workers on PostgreSQL and Redis, see
 * test/support/queue.js) revoking 200 messages against one limit of 20 per 2 s that every worker
 * shares (the sandbox counts all clients together), the scenario of test/e2e/queue-mode.e2e.test.js.
 * 20 webhook executions of 10 items are fired at once; Rate Limit 20 / 2 s in each worker.
 * Measures rate-limit rejections, failed items and the time from the first call to the last answer,
 * against the minimum N / limit × window.
 */
const crypto = require('node:crypto');

const { startQueue, buildWebhookRevokeFlow } = require('../../test/support/queue');
const { buildCredential } = require('../../test/support/workflows');
const { createSandbox } = require('../../sandbox/server');
const DEMO = require('../../sandbox/demo-app');

const LIMIT = 20;
const WINDOW_MS = 2000;
const EXECUTIONS = 20;
const ITEMS = 10;

/**
 * @param {{ workers: number[], version: string, log: (...a: unknown[]) => void }} opts  (startQueue packs dist/)
 * @returns {Promise<{ limit: number, windowMs: number, n: number, minimumMs: number, runs: any[] }>}
 */
async function queuePacing(opts) {
	const sb = createSandbox({ unknownMessages: 'accept' });
	const baseUrl = await sb.listen();
	const runs = [];
	try {
		for (const workers of opts.workers) {
			const credential = buildCredential({ baseUrl, app: DEMO, name: `Fxiaoke bench queue ${workers}w` });
			const webhookPath = `fxbench-${workers}w-${crypto.randomBytes(4).toString('hex')}`;
			const flow = buildWebhookRevokeFlow({ path: webhookPath, credential, options: { rateLimit: LIMIT, rateLimitWindow: WINDOW_MS / 1000, concurrency: 5 } });
			opts.log(`part 4: queue mode, ${workers} workers: starting`);
			const q = await startQueue({ workers, concurrency: 5, version: opts.version, credentials: [credential], workflows: [flow] });
			try {
				// One execution first, so that the token is stored and the workers are warm.
				await q.webhook(webhookPath, { messages: [{ serviceId: DEMO.serviceId, messageId: `warm-${workers}-${crypto.randomUUID()}` }] });
				sb.configure({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, endpoints: ['revoke'] } });
				const rejected = () => sb.stats.rateLimited.revoke || 0;
				const rejectedBefore = rejected();
				const bodies = Array.from({ length: EXECUTIONS }, (_, k) => ({
					messages: Array.from({ length: ITEMS }, (__, i) => ({ serviceId: DEMO.serviceId, messageId: `q${workers}-${k}-${i}-${crypto.randomUUID()}` })),
				}));
				const t0 = Date.now();
				const answers = await Promise.all(bodies.map((body) => q.webhook(webhookPath, body, { timeoutMs: 4 * 60 * 1000 }).catch(() => ({ status: 0, body: undefined, ms: Date.now() - t0 }))));
				const ms = Math.max(...answers.map((a) => a.ms));
				sb.configure({ rateLimit: null });
				let ok = 0;
				for (const a of answers) if (a.status === 200 && Array.isArray(a.body)) ok += a.body.filter((item) => item && item.errorCode === 0 && !item.error).length;
				const run = { workers, items: EXECUTIONS * ITEMS, failed: EXECUTIONS * ITEMS - ok, rejections: rejected() - rejectedBefore, ms, ratio: ms / ((EXECUTIONS * ITEMS * WINDOW_MS) / LIMIT) };
				opts.log(`part 4: ${workers} workers: ${run.failed} failed, ${run.rejections} rejections, ${(ms / 1000).toFixed(1)} s = ${run.ratio.toFixed(2)} × the minimum`);
				runs.push(run);
			} finally {
				sb.configure({ rateLimit: null });
				await q.stop();
			}
		}
	} finally {
		await sb.close();
	}
	return { limit: LIMIT, windowMs: WINDOW_MS, n: EXECUTIONS * ITEMS, minimumMs: (EXECUTIONS * ITEMS * WINDOW_MS) / LIMIT, runs };
}

module.exports = { queuePacing };
