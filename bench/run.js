#!/usr/bin/env node
'use strict';
/**
 * Benchmark of the Fxiaoke node in a real n8n (2.41.1 by default, `$N8N_E2E_VERSION`) against the
 * local sandbox. Run through `npm run bench` (= `npm run build && node bench/run.js`).
 *
 *   node bench/run.js [--quick] [--reps=3] [--n=1000] [--mem-n=10000] [--mem-reps=2] [--profile | --no-profile]
 *                     [--wait-quiet=MINUTES] [--strict] [--no-write] [--engine=legacy|vm] [--no-queue | --queue-only]
 *
 * 1. Node time per item (n8n's own `executionTime` of the node; medians of --reps executions):
 *    our node, the same job with HTTP Request nodes, a raw keep-alive loop (floor A), a node that
 *    reads the same parameters and sends nothing (floor B), and a plain sequential httpRequest node.
 * 2. Pacing against a sandbox enforcing 100 requests per 2 s on revoke.
 * 3. Token calls over repeated executions, and peak memory (VmHWM) for --mem-n items.
 * Writes bench/results/latest.json, docs/bench.md and docs/bench.svg; prints the table. With
 * --engine (n8n's N8N_EXPRESSION_ENGINE; its default in 2.41 is `vm`, isolated-vm) the results go
 * to bench/results/engine-<engine>.json only, and docs/bench.md mentions them on its next rewrite.
 * A failed target triggers a CPU profile of the node (--no-profile skips it).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const n8n = require('../test/support/n8n');
const { buildCredential } = require('../test/support/workflows');
const { createSandbox } = require('../sandbox/server');
const DEMO = require('../sandbox/demo-app');
const W = require('./lib/workflows');
const { installBenchPackage, executeMeasured } = require('./lib/n8n-bench');
const machine = require('./lib/machine');
const { summarise } = require('./lib/profile');
const report = require('./lib/report');
const { queuePacing } = require('./lib/queue-pacing');

const ROOT = path.resolve(__dirname, '..');

// ------------------------------------------------------------------------------------------ args

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string | boolean>} */
	const flags = {};
	for (const a of argv) {
		const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
		if (!m) throw new Error(`unknown argument ${a} (see the header of bench/run.js)`);
		flags[m[1]] = m[2] === undefined ? true : m[2];
	}
	const known = ['quick', 'reps', 'n', 'mem-n', 'mem-reps', 'cap-mb', 'engine', 'profile', 'no-profile', 'wait-quiet', 'strict', 'no-write', 'no-queue', 'queue-only', 'help'];
	for (const k of Object.keys(flags)) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
	const quick = flags.quick === true;
	const num = (/** @type {string} */ k, /** @type {number} */ d) => (flags[k] === undefined ? d : Number(flags[k]));
	return {
		help: flags.help === true,
		quick,
		reps: num('reps', quick ? 1 : 3),
		n: num('n', quick ? 200 : 1000),
		memN: num('mem-n', quick ? 2000 : 10000),
		memReps: num('mem-reps', quick ? 1 : 2),
		capMb: num('cap-mb', 320),
		pacing: { n: quick ? 300 : 1000, limit: 100, windowMs: 2000 },
		profile: flags.profile === true ? 'always' : flags['no-profile'] === true ? 'never' : 'on-failure',
		waitQuietMin: flags['wait-quiet'] === true ? 10 : num('wait-quiet', 0),
		strict: flags.strict === true,
		engine: typeof flags.engine === 'string' ? flags.engine : undefined,
		write: flags['no-write'] !== true,
		queue: flags['no-queue'] !== true,
		queueOnly: flags['queue-only'] === true,
	};
}

// ---------------------------------------------------------------------------------------- helpers

/** @param {...unknown} a */
function log(...a) {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);
}

/** @param {number[]} xs */
function median(xs) {
	const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (s.length === 0) return NaN;
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Output items that are not a success: Fxiaoke errorCode ≠ 0, or an error item (continue on fail). @param {any[]} items */
function failedItems(items) {
	return items.filter((i) => !i.json || i.json.error !== undefined || i.json.errorCode !== 0).length;
}

/** @param {any[]} items */
function firstFailure(items) {
	const f = items.find((i) => !i.json || i.json.error !== undefined || i.json.errorCode !== 0);
	if (!f) return undefined;
	const { errorCode, errorDescription, error, description } = f.json || {};
	return { errorCode, errorDescription, error, description };
}

/**
 * Raw keep-alive loop (floor A) in its own process, with the Node that runs n8n.
 * @param {string} nodeBin @param {object} cfg
 * @returns {Promise<{ ms: number, tokenMs: number, revokeMs: number, ok: number, failed: number, firstError?: any }>}
 */
function rawLoop(nodeBin, cfg) {
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [path.join(__dirname, 'lib', 'raw-loop.js'), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'], env: n8n.cleanEnv() });
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`raw loop failed (exit ${code}): ${err.slice(-2000)}`));
			resolve(JSON.parse(out.trim().split('\n').pop() || '{}'));
		});
	});
}

/** Revoke arrivals at the sandbox: spread, busiest fixed window, rejections. @param {any[]} records @param {number} windowMs */
function arrivals(records, windowMs) {
	const revokes = records.filter((r) => r.endpoint === 'revoke');
	if (revokes.length === 0) return { count: 0, spreadMs: 0, maxPerWindow: 0, rejected: 0, windows: 0 };
	const times = revokes.map((r) => r.startedAt).sort((a, b) => a - b);
	/** @type {Map<number, number>} */
	const perWindow = new Map();
	for (const t of times) perWindow.set(Math.floor(t / windowMs), (perWindow.get(Math.floor(t / windowMs)) || 0) + 1);
	return {
		count: revokes.length,
		spreadMs: times[times.length - 1] - times[0],
		maxPerWindow: Math.max(...perWindow.values()),
		windows: perWindow.size,
		rejected: revokes.filter((r) => r.response && r.response.body && r.response.body.errorCode !== 0).length,
	};
}

// ------------------------------------------------------------------------------------------- main

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 18).join('\n') + '\n');
		return 0;
	}
	if (args.queueOnly) return await queueOnly();
	const started = new Date();
	const cores = os.cpus().length;
	log(`machine: ${cores} cores; ${machine.uptimeText()}`);
	let quiet = null;
	const waitStart = Date.now();
	if (args.waitQuietMin > 0) {
		quiet = await machine.waitQuiet({ waitMs: args.waitQuietMin * 60_000, log });
		log(quiet.quiet ? 'machine is quiet' : `machine still busy after ${args.waitQuietMin} min; measuring anyway`);
	}
	const waitedUntil = Date.now();
	const othersBefore = await machine.sampleOthers(3000);
	if (othersBefore.cores > 0.25) {
		log(`other processes use ${othersBefore.cores} cores right now: ${othersBefore.busy.map((b) => `${b.cores} ${b.cmd.slice(0, 70)}`).join(' | ')}`);
	}

	// ---------------------------------------------------------------- setup
	const setupStart = Date.now();
	const install = await n8n.ensureN8n();
	log(`n8n ${install.version} with ${install.node}`);
	const nodeVersion = (await new Promise((resolve) => {
		const c = spawn(install.node, ['--version']);
		let s = '';
		c.stdout.on('data', (d) => (s += d));
		c.on('close', () => resolve(s.trim()));
	}));
	const tgz = await n8n.packPackage();
	const sbFast = createSandbox({ unknownMessages: 'accept' });
	const sbPaced = createSandbox({
		unknownMessages: 'accept',
		rateLimit: { limit: args.pacing.limit, windowMs: args.pacing.windowMs, endpoints: ['revoke'] },
	});
	const fastUrl = await sbFast.listen(0, '127.0.0.1');
	const pacedUrl = await sbPaced.listen(0, '127.0.0.1');
	const home = await n8n.createN8nHome({ tgz, env: args.engine ? { N8N_EXPRESSION_ENGINE: args.engine } : {} });
	// packPackage leaves its temp folder behind; the package is installed now
	if (path.basename(path.dirname(tgz)).startsWith('fxiaoke-pack-')) fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	/** @type {Record<string, any>} */
	const results = {};
	try {
		await installBenchPackage(home);
		const credFast = buildCredential({ baseUrl: fastUrl, app: DEMO, name: 'Fxiaoke bench (unthrottled sandbox)' });
		const credPaced = buildCredential({ baseUrl: pacedUrl, app: DEMO, name: 'Fxiaoke bench (paced sandbox)' });
		await n8n.importCredentials(home, [credFast, credPaced]);

		const N = args.n;
		const P = args.pacing;
		const common = { serviceId: DEMO.serviceId };
		// Our node: rate limit raised far beyond N so that it never binds; default concurrency (5).
		const unbound = { rateLimit: 1_000_000, rateLimitWindow: 20 };
		const wf = {
			fxiaoke: W.fxiaokeWorkflow({ ...common, count: N, name: `bench: Fxiaoke ×${N}`, tag: 'fx', credential: credFast, options: unbound }),
			fxiaokeAuto: W.fxiaokeWorkflow({ ...common, count: N, name: `bench: Fxiaoke Map Automatically ×${N}`, tag: 'fxa', credential: credFast, options: unbound, autoMap: true }),
			http: W.httpWorkflow({ ...common, count: N, name: `bench: HTTP Request ×${N}`, tag: 'http', baseUrl: fastUrl, app: DEMO }),
			noop: W.benchNodeWorkflow({ ...common, count: N, name: `bench: no-op ×${N}`, tag: 'noop', type: W.NOOP_NODE_TYPE }),
			sequential: W.benchNodeWorkflow({ ...common, count: N, name: `bench: sequential ×${N}`, tag: 'seq', type: W.SEQUENTIAL_NODE_TYPE, credential: credFast }),
			concurrent: W.benchNodeWorkflow({ ...common, count: N, name: `bench: concurrent ×${N}`, tag: 'conc', type: W.CONCURRENT_NODE_TYPE, credential: credFast }),
			pacedFxiaoke: W.fxiaokeWorkflow({
				...common,
				count: P.n,
				name: `bench: paced Fxiaoke ×${P.n}`,
				tag: 'pfx',
				credential: credPaced,
				options: { rateLimit: P.limit, rateLimitWindow: P.windowMs / 1000 },
				continueOnFail: true,
			}),
			pacedHttp: W.httpWorkflow({ ...common, count: P.n, name: `bench: paced HTTP default ×${P.n}`, tag: 'phttp', baseUrl: pacedUrl, app: DEMO, continueOnFail: true }),
			pacedHttpBatched: W.httpWorkflow({
				...common,
				count: P.n,
				name: `bench: paced HTTP batched ×${P.n}`,
				tag: 'pbatch',
				baseUrl: pacedUrl,
				app: DEMO,
				continueOnFail: true,
				batching: { batchSize: P.limit, batchInterval: P.windowMs },
			}),
			memItems: W.itemsOnlyWorkflow({ ...common, count: args.memN, name: `bench: items only ×${args.memN}`, tag: 'mitems' }),
			memNoop: W.benchNodeWorkflow({ ...common, count: args.memN, name: `bench: memory no-op ×${args.memN}`, tag: 'mnoop', type: W.NOOP_NODE_TYPE }),
			memPassThrough: W.benchNodeWorkflow({ ...common, count: args.memN, name: `bench: memory pass-through ×${args.memN}`, tag: 'mpass', type: W.NOOP_NODE_TYPE, constant: true }),
			memConcurrent: W.benchNodeWorkflow({
				...common,
				count: args.memN,
				name: `bench: memory concurrent ×${args.memN}`,
				tag: 'mconc',
				type: W.CONCURRENT_NODE_TYPE,
				credential: credFast,
			}),
			memFxiaoke: W.fxiaokeWorkflow({ ...common, count: args.memN, name: `bench: memory Fxiaoke ×${args.memN}`, tag: 'mfx', credential: credFast, options: unbound }),
			memFxiaokeAuto: W.fxiaokeWorkflow({
				...common,
				count: args.memN,
				name: `bench: memory Fxiaoke Map Automatically ×${args.memN}`,
				tag: 'mfxa',
				credential: credFast,
				options: unbound,
				autoMap: true,
			}),
		};
		await n8n.importWorkflow(home, Object.values(wf));
		log(`setup done in ${Math.round((Date.now() - setupStart) / 1000)} s (home ${home.dir})`);

		/** Executes one workflow; returns the measurement plus what the sandbox saw. */
		const exec = async (/** @type {string} */ key, /** @type {ReturnType<typeof createSandbox>} */ sb, /** @type {Parameters<typeof executeMeasured>[2]} */ opts = {}) => {
			const tokenBefore = sb.stats.tokenCalls;
			sb.requests.length = 0;
			const cpuA = machine.cpuSnapshot();
			const loadBefore = machine.loadavg().l1;
			const m = await executeMeasured(home, wf[key].id, opts);
			const cpuB = machine.cpuSnapshot();
			const records = sb.requests.slice();
			sb.requests.length = 0;
			if (!m.ok) {
				throw new Error(`execution of ${key} failed (exit ${m.code}): ${m.errorMessage}\n--- stdout ---\n${m.stdoutTail}\n--- stderr ---\n${m.stderrTail}`);
			}
			const node = (/** @type {string} */ name) => n8n.getNodeOutput(m.run, name);
			// the node under measurement is "Revoke"; the items-only workflow ends with "Split Out"
			const revoke = node(m.run.data.resultData.runData.Revoke ? 'Revoke' : 'Split Out');
			const tokenNode = m.run.data.resultData.runData.Token ? node('Token') : null;
			const nodeMs = revoke.executionTime + (tokenNode ? tokenNode.executionTime : 0);
			const out = {
				key,
				nodeMs,
				revokeMs: revoke.executionTime,
				tokenNodeMs: tokenNode ? tokenNode.executionTime : undefined,
				items: revoke.items.length,
				failed: m.run.data.resultData.runData.Revoke ? failedItems(revoke.items) : null,
				firstFailure: m.run.data.resultData.runData.Revoke ? firstFailure(revoke.items) : undefined,
				tokenCalls: sb.stats.tokenCalls - tokenBefore,
				revokeRequests: records.filter((r) => r.endpoint === 'revoke').length,
				wallMs: m.wallMs,
				vmHwmMb: m.vmHwmMb === null ? null : Math.round(m.vmHwmMb * 10) / 10,
				exitCode: m.code,
				othersCores: machine.othersCores(cpuA, cpuB),
				load1: loadBefore,
				startTime: revoke.startTime,
			};
			log(
				`${key.padEnd(16)} node ${String(Math.round(nodeMs)).padStart(6)} ms  items ${out.items}  failed ${out.failed}  token calls ${out.tokenCalls}` +
					`  peak ${out.vmHwmMb} MB  (execute ${Math.round(m.wallMs / 1000)} s, others ${out.othersCores} cores${m.code === 0 ? '' : `, exit ${m.code}`})`,
			);
			return { out, records, measured: m, revoke };
		};

		// ---------------------------------------------------------------- 1. node time per item
		log(`part 1: ${N} revokes, unthrottled sandbox, ${args.reps} repetition(s)`);
		/** @type {Record<string, any[]>} */
		const p1 = { fxiaoke: [], fxiaokeAuto: [], http: [], noop: [], sequential: [], concurrent: [], raw: [] };
		for (let rep = 0; rep < args.reps; rep++) {
			for (const key of ['fxiaoke', 'fxiaokeAuto', 'http', 'noop', 'sequential', 'concurrent']) {
				const r = await exec(key, sbFast);
				p1[key].push(r.out);
				if (key !== 'noop' && (r.out.items !== N || r.out.failed !== 0 || r.out.revokeRequests !== N)) {
					throw new Error(`${key}: expected ${N} successful revokes, got ${r.out.items} items, ${r.out.failed} failed, ${r.out.revokeRequests} requests; first failure ${JSON.stringify(r.out.firstFailure)}`);
				}
			}
			const cpuA = machine.cpuSnapshot();
			const raw = await rawLoop(install.node, { baseUrl: fastUrl, app: DEMO, serviceId: DEMO.serviceId, count: N, concurrency: 5, tag: `raw-${rep}-${Date.now()}` });
			sbFast.requests.length = 0;
			if (raw.failed !== 0) throw new Error(`raw loop: ${raw.failed} failed, e.g. ${JSON.stringify(raw.firstError)}`);
			p1.raw.push({ key: 'raw', nodeMs: raw.ms, tokenMs: raw.tokenMs, items: raw.ok, failed: raw.failed, othersCores: machine.othersCores(cpuA, machine.cpuSnapshot()) });
			log(`raw              loop ${String(Math.round(raw.ms)).padStart(6)} ms  ok ${raw.ok}`);
		}
		const med = Object.fromEntries(Object.entries(p1).map(([k, runs]) => [k, median(runs.map((r) => r.nodeMs))]));
		const part1 = {
			n: N,
			reps: args.reps,
			variants: Object.fromEntries(
				Object.entries(p1).map(([k, runs]) => [k, { medianMs: med[k], msPerItem: med[k] / N, runsMs: runs.map((r) => Math.round(r.nodeMs * 10) / 10), runs }]),
			),
			targets: {
				autoVsHttp: { ratio: med.fxiaokeAuto / med.http, limit: 0.5, pass: med.fxiaokeAuto <= 0.5 * med.http },
				expressionsVsConcurrent: { ratio: med.fxiaoke / med.concurrent, limit: 1.1, pass: med.fxiaoke <= 1.1 * med.concurrent },
				vsHttp: { ratio: med.fxiaoke / med.http, limit: 0.5, pass: med.fxiaoke <= 0.5 * med.http },
				vsFloor: { ratio: med.fxiaoke / (med.noop + med.raw), limit: 1.5, floorMs: med.noop + med.raw, pass: med.fxiaoke <= 1.5 * (med.noop + med.raw) },
			},
			reference: { vsSequential: med.fxiaoke / med.sequential, vsConcurrent: med.fxiaoke / med.concurrent },
		};
		results.part1 = part1;

		// ---------------------------------------------------------------- 2. pacing
		const windows = Math.ceil(P.n / P.limit);
		const idealMs = windows * P.windowMs;
		const strictMs = (windows - 1) * P.windowMs;
		log(`part 2: pacing, ${P.n} revokes, sandbox limit ${P.limit} per ${P.windowMs} ms; N/R×W = ${idealMs} ms, strict minimum (N/R−1)×W = ${strictMs} ms`);
		/** @type {Record<string, any[]>} */
		const p2 = { fxiaoke: [], httpDefault: [], httpBatched: [] };
		for (let rep = 0; rep < args.reps; rep++) {
			for (const [key, wfKey] of [['fxiaoke', 'pacedFxiaoke'], ['httpDefault', 'pacedHttp'], ['httpBatched', 'pacedHttpBatched']]) {
				const r = await exec(wfKey, sbPaced);
				const a = arrivals(r.records, P.windowMs);
				p2[key].push({ ...r.out, arrivals: a });
				log(`   arrivals: spread ${a.spreadMs} ms over ${a.windows} windows, busiest window ${a.maxPerWindow}, rejected ${a.rejected}`);
			}
		}
		const pacedSummary = (/** @type {any[]} */ runs) => ({
			medianMs: median(runs.map((r) => r.nodeMs)),
			failedMedian: median(runs.map((r) => r.failed)),
			failedRuns: runs.map((r) => r.failed),
			runsMs: runs.map((r) => r.nodeMs),
			runs,
		});
		const fx2 = pacedSummary(p2.fxiaoke);
		const part2 = {
			n: P.n,
			limit: P.limit,
			windowMs: P.windowMs,
			idealMs,
			strictMs,
			fxiaoke: {
				...fx2,
				failedMax: Math.max(...p2.fxiaoke.map((r) => r.failed)),
				ratioToIdeal: fx2.medianMs / idealMs,
				ratioToStrict: fx2.medianMs / strictMs,
			},
			httpDefault: pacedSummary(p2.httpDefault),
			httpBatched: pacedSummary(p2.httpBatched),
			targets: {
				noFailures: { pass: Math.max(...p2.fxiaoke.map((r) => r.failed)) === 0 },
				time: { limit: 1.1, ratio: fx2.medianMs / idealMs, pass: fx2.medianMs <= 1.1 * idealMs },
			},
		};
		results.part2 = part2;

		// ---------------------------------------------------------------- 3. token calls and memory
		log(`part 3: peak memory, ${args.memN} items`);
		/** @type {Record<string, any[]>} */
		const p3 = { items: [], passThrough: [], noop: [], concurrent: [], fxiaoke: [], fxiaokeAuto: [] };
		for (let rep = 0; rep < args.memReps; rep++) {
			for (const [key, wfKey] of [['items', 'memItems'], ['passThrough', 'memPassThrough'], ['noop', 'memNoop'], ['concurrent', 'memConcurrent'], ['fxiaoke', 'memFxiaoke'], ['fxiaokeAuto', 'memFxiaokeAuto']]) {
				const r = await exec(wfKey, sbFast, { memSampleMs: 100 });
				if (key !== 'items' && (r.out.failed !== 0 || r.out.items !== args.memN)) throw new Error(`memory run ${key}: ${r.out.failed} failed of ${r.out.items}`);
				const peaks = r.measured.memPeaks || {};
				// sampled RSS during the measured node and after it (saving and printing the run data)
				const tl = r.measured.memTimeline || [];
				const end = r.revoke.startTime + r.revoke.executionTime;
				const maxOf = (/** @type {any[]} */ xs, /** @type {number} */ i) => (xs.length ? Math.max(...xs.map((x) => x[i])) : null);
				const during = tl.filter((x) => x[0] >= r.revoke.startTime && x[0] <= end);
				const after = tl.filter((x) => x[0] > end);
				p3[key].push({
					...r.out,
					heapUsedPeakMb: peaks.heapUsed ?? null,
					heapTotalPeakMb: peaks.heapTotal ?? null,
					rssSampledPeakDuringNodeMb: maxOf(during, 1),
					rssSampledPeakAfterNodeMb: maxOf(after, 1),
					heapUsedSampledPeakDuringNodeMb: maxOf(during, 2),
				});
			}
		}
		// The same with V8's old space capped: shows how much of the peak is collectable garbage
		// (heap growth before a major GC) rather than memory the node keeps.
		const capFlag = `--max-old-space-size=${args.capMb}`;
		/** @type {Record<string, any[]>} */
		const capped = { items: [], fxiaoke: [] };
		for (const [key, wfKey] of [['items', 'memItems'], ['fxiaoke', 'memFxiaoke']]) {
			const r = await exec(wfKey, sbFast, { nodeOptions: [capFlag] });
			if (key !== 'items' && (r.out.failed !== 0 || r.out.items !== args.memN)) throw new Error(`capped memory run ${key}: ${r.out.failed} failed of ${r.out.items}`);
			capped[key].push(r.out);
		}
		const memItems = median(p3.items.map((r) => r.vmHwmMb));
		const memNoop = median(p3.noop.map((r) => r.vmHwmMb));
		const memFx = median(p3.fxiaoke.map((r) => r.vmHwmMb));
		const memConc = median(p3.concurrent.map((r) => r.vmHwmMb));
		const memAuto = median(p3.fxiaokeAuto.map((r) => r.vmHwmMb));
		const memPass = median(p3.passThrough.map((r) => r.vmHwmMb));
		const creds = await n8n.exportCredentials(home);
		const stored = creds.find((c) => c.id === credFast.id);
		const part3 = {
			tokenCalls: {
				executions: args.reps,
				fxiaoke: p1.fxiaoke.reduce((s, r) => s + r.tokenCalls, 0),
				http: p1.http.reduce((s, r) => s + r.tokenCalls, 0),
				sequential: p1.sequential.reduce((s, r) => s + r.tokenCalls, 0),
				concurrent: p1.concurrent.reduce((s, r) => s + r.tokenCalls, 0),
				tokenPersistedInCredential: !!(stored && typeof stored.data.accessToken === 'string' && stored.data.accessToken !== ''),
				pass: p1.fxiaoke.reduce((s, r) => s + r.tokenCalls, 0) === 1,
			},
			memory: {
				n: args.memN,
				itemsOnlyMb: memItems,
				noopMb: memNoop,
				concurrentMb: memConc,
				concurrentMsPerItem: median(p3.concurrent.map((r) => r.nodeMs)) / args.memN,
				fxiaokeMb: memFx,
				fxiaokeAutoMb: memAuto,
				passThroughMb: memPass,
				autoDeltaMb: memAuto - memItems,
				autoPass: memAuto - memItems <= 100,
				fxiaokeAutoMsPerItem: median(p3.fxiaokeAuto.map((r) => r.nodeMs)) / args.memN,
				deltaMb: memFx - memItems,
				deltaOverNoopMb: memFx - memNoop,
				rssSampledPeakDuringNodeMb: {
					noop: median(p3.noop.map((r) => r.rssSampledPeakDuringNodeMb)),
					fxiaoke: median(p3.fxiaoke.map((r) => r.rssSampledPeakDuringNodeMb)),
				},
				rssSampledPeakAfterNodeMb: {
					items: median(p3.items.map((r) => r.rssSampledPeakAfterNodeMb)),
					noop: median(p3.noop.map((r) => r.rssSampledPeakAfterNodeMb)),
					fxiaoke: median(p3.fxiaoke.map((r) => r.rssSampledPeakAfterNodeMb)),
				},
				heapUsedPeakMb: {
					items: median(p3.items.map((r) => r.heapUsedPeakMb)),
					noop: median(p3.noop.map((r) => r.heapUsedPeakMb)),
					concurrent: median(p3.concurrent.map((r) => r.heapUsedPeakMb)),
					fxiaoke: median(p3.fxiaoke.map((r) => r.heapUsedPeakMb)),
					fxiaokeAuto: median(p3.fxiaokeAuto.map((r) => r.heapUsedPeakMb)),
				},
				noopMsPerItem: median(p3.noop.map((r) => r.nodeMs)) / args.memN,
				capped: {
					flag: capFlag,
					itemsOnlyMb: median(capped.items.map((r) => r.vmHwmMb)),
					fxiaokeMb: median(capped.fxiaoke.map((r) => r.vmHwmMb)),
					deltaMb: median(capped.fxiaoke.map((r) => r.vmHwmMb)) - median(capped.items.map((r) => r.vmHwmMb)),
					fxiaokeMsPerItem: median(capped.fxiaoke.map((r) => r.nodeMs)) / args.memN,
					runs: capped,
				},
				limitMb: 100,
				pass: memFx - memItems <= 100,
				fxiaokeMsPerItem: median(p3.fxiaoke.map((r) => r.nodeMs)) / args.memN,
				runs: p3,
			},
		};
		results.part3 = part3;

		// ---------------------------------------------------------------- 4. queue mode
		if (args.queue) results.part4 = await queuePacing({ workers: [2, 4], version: install.version, log });

		// ---------------------------------------------------------------- profile
		const failed = !part1.targets.autoVsHttp.pass || !part1.targets.expressionsVsConcurrent.pass || !part2.targets.time.pass || !part3.memory.autoPass;
		if (args.profile === 'always' || (failed && args.profile === 'on-failure')) {
			log('profiling the Fxiaoke node (and the no-op node) with --cpu-prof');
			const profDir = path.join(__dirname, 'results', 'profiles');
			fs.rmSync(profDir, { recursive: true, force: true });
			/** @type {Record<string, any>} */
			const prof = {};
			for (const key of ['fxiaokeAuto', 'fxiaoke', 'noop', 'http']) {
				const r = await exec(key, sbFast, { cpuProfDir: profDir, cpuProfIntervalUs: 200 });
				const m = r.measured;
				if (!m.cpuProfile || !m.clock) {
					prof[key] = { error: 'no profile written' };
					continue;
				}
				// n8n's startTime/executionTime (epoch ms) → the profile's monotonic clock (µs)
				const nodes = key === 'http' ? ['Token', 'Revoke'] : ['Revoke'];
				const first = n8n.getNodeOutput(m.run, nodes[0]);
				const last = n8n.getNodeOutput(m.run, nodes[nodes.length - 1]);
				const fromUs = m.clock.monoUs + (first.startTime - m.clock.epochMs) * 1000;
				const toUs = m.clock.monoUs + (last.startTime + last.executionTime - m.clock.epochMs) * 1000;
				prof[key] = { nodeMs: r.out.nodeMs, file: path.relative(ROOT, m.cpuProfile), fromUs, toUs, ...summarise(m.cpuProfile, { fromUs, toUs, top: 30 }) };
			}
			results.profile = prof;
		}

		results.meta = {
			command: `node bench/run.js${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
			date: started.toISOString(),
			durationS: Math.round((Date.now() - started.getTime()) / 1000),
			waitedS: Math.round((waitedUntil - waitStart) / 1000),
			machine: { cores, cpu: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), kernel: os.release() },
			n8nVersion: install.version,
			nodeVersion,
			benchNode: process.version,
			quick: args.quick,
			expressionEngine: args.engine || "n8n's default (vm)",
			loadBefore: othersBefore,
			loadAfter: await machine.sampleOthers(3000),
			quiet,
			othersCoresDuringExecutions: {
				median: median(Object.values(p1).flat().concat(Object.values(p2).flat()).map((r) => r.othersCores)),
				max: Math.max(...Object.values(p1).flat().concat(Object.values(p2).flat()).map((r) => r.othersCores)),
			},
		};
	} finally {
		await sbFast.close();
		await sbPaced.close();
		await n8n.removeN8nHome(home);
	}

	process.stdout.write(report.table(results));
	if (args.write && args.engine) {
		fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
		const file = path.join(__dirname, 'results', `engine-${args.engine}.json`);
		fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
		log(`wrote ${path.relative(ROOT, file)} (docs/bench.md is left to the default-engine run)`);
	} else if (args.write) {
		fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
		fs.writeFileSync(path.join(__dirname, 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
		const legacyFile = path.join(__dirname, 'results', 'engine-legacy.json');
		const legacy = fs.existsSync(legacyFile) ? JSON.parse(fs.readFileSync(legacyFile, 'utf8')) : null;
		fs.writeFileSync(path.join(ROOT, 'docs', 'bench.md'), report.markdown(results, { legacy }));
		fs.writeFileSync(path.join(ROOT, 'docs', 'bench.svg'), report.svg(results));
		log('wrote bench/results/latest.json, docs/bench.md, docs/bench.svg');
	}
	const allPass = report.targets(results).every((t) => t.pass);
	return args.strict && !allPass ? 1 : 0;
}

/** `--queue-only`: part 4 again, merged into bench/results/latest.json, docs rewritten. */
async function queueOnly() {
	const file = path.join(__dirname, 'results', 'latest.json');
	const results = JSON.parse(fs.readFileSync(file, 'utf8'));
	const install = await n8n.ensureN8n();
	results.part4 = await queuePacing({ workers: [2, 4], version: install.version, log });
	results.part4.date = new Date().toISOString();
	fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
	const legacyFile = path.join(__dirname, 'results', 'engine-legacy.json');
	const legacy = fs.existsSync(legacyFile) ? JSON.parse(fs.readFileSync(legacyFile, 'utf8')) : null;
	fs.writeFileSync(path.join(ROOT, 'docs', 'bench.md'), report.markdown(results, { legacy }));
	fs.writeFileSync(path.join(ROOT, 'docs', 'bench.svg'), report.svg(results));
	process.stdout.write(report.table(results));
	log('part 4 merged into bench/results/latest.json, docs/bench.md, docs/bench.svg');
	return 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		process.stderr.write(`bench failed: ${e && e.stack ? e.stack : e}\n`);
		process.exit(2);
	},
);
