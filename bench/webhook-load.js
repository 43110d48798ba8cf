#!/usr/bin/env node
'use strict';
/**
 * Load on the Fxiaoke Webhook Trigger in a real n8n (2.41.1 by default, `$N8N_E2E_VERSION`) on
 * PostgreSQL, in queue mode with `--workers` workers (default 1; 0: one process runs everything,
 * EXECUTIONS_MODE=regular; test/support/queue.js), against the sandbox: `--n` lead changes (default 1,000) pushed at `--rate` per
 * minute (default 1,000; Fxiaoke's own limit is 100 a minute per record), each by the function the
 * node generates (sandbox/apl.js), one push every 60 ms whatever the earlier ones are doing, and one
 * change in ten pushed a second time (Fxiaoke's retries). The workflow: trigger (Fetch Full Record)
 * → Send Text, so every execution is one send the sandbox counts.
 *
 *   npm run build && node bench/webhook-load.js [--n=1000] [--rate=1000] [--workers=1] [--no-fetch] [--no-send] [--baseline=v1|v2] [--engine=legacy] [--no-write]
 *
 * Prints and writes bench/results/webhook-load-<mode>-<engine>[-baseline-v<n>].json: the answers' times (median, 95th percentile,
 * slowest, how many over 1 s), executions per change (each exactly once?), and when the last one
 * ran. Exits 1 when a change did not run exactly once or an answer took over 1 s.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { startQueue } = require('../test/support/queue');
const { buildCredential, CREDENTIAL_TYPE, FXIAOKE_NODE_TYPE, n8nId } = require('../test/support/workflows');
const { VERSION } = require('../test/support/e2e-fixture');
const { createSandbox } = require('../sandbox/server');
const { runAplFunction } = require('../sandbox/apl');
const DEMO = require('../sandbox/demo-app');

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const N = Number(args.n ?? 1000);
const RATE = Number(args.rate ?? 1000);
const WORKERS = Number(args.workers ?? 1);
const INTERVAL_MS = 60_000 / RATE;
const SECRET = crypto.randomBytes(18).toString('base64');

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const getText = (/** @type {string} */ url) =>
	new Promise((resolve, reject) => {
		http.get(url, (res) => {
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => resolve({ status: res.statusCode, text }));
		}).on('error', reject);
	});
const percentile = (/** @type {number[]} */ sorted, /** @type {number} */ p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
	const sb = createSandbox();
	const baseUrl = await sb.listen(0, '127.0.0.1');
	let q;
	try {
		const cred = buildCredential({ baseUrl, app: DEMO, name: 'Fxiaoke load' });
		const credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		const id = n8nId();
		const webhookId = crypto.randomUUID();
		// the baseline: n8n's own Webhook node (answers at once) → No Operation, the same requests.
		// Version 2 (--baseline=v2): n8n 2.41 skips the expression isolate for it; version 1
		// (--baseline=v1): it acquires one, as for every other trigger node, ours included.
		const baseline = args.baseline === undefined ? undefined : args.baseline === 'v2' ? 2 : 1;
		const trigger = baseline
			? { id: crypto.randomUUID(), name: 'Pushed', type: 'n8n-nodes-base.webhook', typeVersion: baseline, position: [0, 0], webhookId, parameters: { httpMethod: 'POST', path: `${webhookId}/fxiaoke`, responseMode: 'onReceived', options: {} } }
			: { id: crypto.randomUUID(), name: 'Pushed', type: FXIAOKE_NODE_TYPE.replace(/fxiaoke$/, 'fxiaokeWebhookTrigger'), typeVersion: 1, position: [0, 0], webhookId, parameters: { source: 'aplFunction', secret: SECRET, objects: 'LeadsObj', fetchFullRecord: !args['no-fetch'] }, credentials };
		const next = args['no-send'] || baseline
			? { id: crypto.randomUUID(), name: 'Send', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} }
			: { id: crypto.randomUUID(), name: 'Send', type: FXIAOKE_NODE_TYPE, typeVersion: 1, position: [300, 0], parameters: { resource: 'message', operation: 'sendText', toUser: '1004', content: '={{ $json.recordId }}' }, credentials };
		const workflows = [
			{
				id,
				name: 'Pushed lead',
				active: false,
				settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none' },
				connections: { Pushed: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
				nodes: [trigger, next],
			},
		];
		q = await startQueue({ workers: WORKERS, concurrency: 10, version: VERSION, credentials: [cred], workflows, env: args.engine ? { N8N_EXPRESSION_ENGINE: String(args.engine) } : {} });
		const url = `${q.mainUrl}/webhook/${webhookId}/fxiaoke`;
		let shown = await getText(url);
		for (const until = Date.now() + 60_000; shown.status === 404 && Date.now() < until; await sleep(250)) shown = await getText(url);
		// (the baseline's Webhook node shows no function: the one our node generates is pointed at it)
		const { aplFunction } = require('../dist/nodes/FxiaokeWebhookTrigger/apl');
		const fn = (baseline ? aplFunction(url, SECRET) : shown.text).replace(/^String secret = .*$/m, `String secret = ${JSON.stringify(SECRET)}`);

		const ids = Array.from({ length: N }, (_, i) => sb.crm.put('LeadsObj', { name: `Load ${i}` }));
		const record = (/** @type {string} */ leadId) => ({ ...sb.crm.objects.get('LeadsObj').records.get(leadId) });
		/** @type {number[]} */
		const answers = [];
		/** @type {string[]} */
		const failures = [];
		const pushOne = async (/** @type {string} */ leadId) => {
			const started = performance.now();
			const result = await runAplFunction(fn, record(leadId));
			answers.push(performance.now() - started);
			if (result.error || result.statusCode !== 200) failures.push(`${leadId}: ${result.statusCode} ${result.message}`);
		};
		const t0 = performance.now();
		/** @type {Promise<void>[]} */
		const pushes = [];
		let repeats = 0;
		for (let i = 0; i < N; i++) {
			const due = t0 + i * INTERVAL_MS;
			if (due > performance.now()) await sleep(due - performance.now());
			pushes.push(pushOne(ids[i]));
			if (i % 10 === 9) {
				pushes.push(pushOne(ids[i - 5]));
				repeats++;
			}
		}
		await Promise.all(pushes);
		const pushedMs = performance.now() - t0;
		// without a send, nothing counts the executions (saveDataSuccessExecution none keeps no rows)
		const counted = !(baseline || args['no-send']);
		const sends = () => sb.requests.filter((r) => r.endpoint === 'send' && r.response?.body?.errorCode === 0);
		// n8n runs the executions after answering, at its own pace: wait until all ran, or none for a minute
		for (let seen = -1, since = Date.now(); counted && sends().length < N && Date.now() - since < 60_000; await sleep(500)) {
			if (sends().length !== seen) [seen, since] = [sends().length, Date.now()];
		}
		const allRanMs = performance.now() - t0;
		if (counted) await sleep(5000); // no late execution for a repeat
		const perChange = new Map(ids.map((leadId) => [leadId, 0]));
		for (const s of sends()) perChange.set(s.body.text.content, (perChange.get(s.body.text.content) ?? 0) + 1);
		const wrong = counted ? [...perChange].filter(([, count]) => count !== 1) : [];
		const sorted = [...answers].sort((a, b) => a - b);
		const result = {
			n8n: VERSION,
			workflow: baseline ? `n8n's Webhook node v${baseline} → No Operation (baseline)` : `Fxiaoke Webhook Trigger${args['no-fetch'] ? '' : ' (Fetch Full Record)'} → ${args['no-send'] ? 'No Operation' : 'Fxiaoke Send Text'}`,
			expressionEngine: args.engine ? String(args.engine) : 'vm (default)',
			mode: WORKERS === 0 ? 'one process (regular), PostgreSQL' : `queue: main + ${WORKERS} worker(s) of concurrency 10, PostgreSQL, Redis`,
			machine: { cpus: os.cpus().length, node: process.version },
			changes: N,
			repeats,
			ratePerMinute: RATE,
			pushedInSeconds: Math.round(pushedMs / 100) / 10,
			lastExecutionAfterSeconds: counted ? Math.round(allRanMs / 100) / 10 : null,
			executions: counted ? sends().length : null,
			changesNotRunExactlyOnce: counted ? wrong.length : null,
			answerMs: { median: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), slowest: Math.round(sorted[sorted.length - 1]), overOneSecond: sorted.filter((ms) => ms > 1000).length },
			failedPushes: failures.length,
		};
		process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
		if (!args['no-write']) fs.writeFileSync(path.join(__dirname, 'results', `webhook-load-${WORKERS === 0 ? 'regular' : 'queue'}-${args.engine ?? 'vm'}${baseline ? `-baseline-v${baseline}` : ''}.json`), `${JSON.stringify(result, null, 2)}\n`);
		if (failures.length > 0) process.stdout.write(`failed pushes (first 5): ${failures.slice(0, 5).join('; ')}\n`);
		return wrong.length === 0 && failures.length === 0 && result.answerMs.overOneSecond === 0;
	} finally {
		if (q) await q.stop();
		await sb.close();
	}
}

main().then(
	(ok) => process.exit(ok ? 0 : 1),
	(error) => {
		process.stderr.write(`${error.stack ?? error}\n`);
		process.exit(1);
	},
);
