#!/usr/bin/env node
'use strict';
/**
 * Pacing of several processes sharing one Fxiaoke limit, in virtual time: the node's own
 * RateLimiter (dist/, so `npm run build` first), one per simulated queue-mode worker, against a
 * server that accepts `limit` requests per fixed window and rejects the rest (as the sandbox does).
 * Hundreds of runs take seconds, so a change to the limiter can be judged on its spread, not on one
 * 60-second run of test/e2e/queue-mode.e2e.test.js (which stays the proof in a real n8n).
 *
 *   node bench/pacing-sim.js [--workers=1,2,4] [--trials=500] [--lag=0] [--limiter=path/to/limiter.js]
 *
 * The workload is that test's scenario C: 20 executions of 10 revokes, spread over the workers,
 * each worker running 5 executions at once and each execution 5 items at once; replies take
 * 5–30 ms; a rejected item waits the node's backoff and queues again. `--lag` delays each worker's
 * start by up to that many ms (real workers pick their jobs up late). Prints, per worker count, the
 * time against the minimum (N / limit × window) and the rate-limit rejections: median, 90th
 * percentile and worst, and how many runs broke the bounds (1.3 ×, 15 % of items).
 */
const path = require('node:path');
const Module = require('node:module');

const args = Object.fromEntries(
	process.argv.slice(2).map((a) => {
		const [k, v] = a.replace(/^--/, '').split('=');
		return [k, v ?? 'true'];
	}),
);
const WORKERS = (args.workers ?? '1,2,4').split(',').map(Number);
const TRIALS = Number(args.trials ?? 500);
const LAG_MS = Number(args.lag ?? 0);
const LIMITER = path.resolve(args.limiter ?? path.join(__dirname, '..', 'dist', 'nodes', 'Fxiaoke', 'transport', 'limiter.js'));

const LIMIT = 20;
const WINDOW_MS = 2000;
const EXECUTIONS = 20;
const ITEMS = 10;
const CONCURRENCY = 5;
const PER_WORKER = 5;
const N = EXECUTIONS * ITEMS;
const MINIMUM_S = (N / LIMIT) * (WINDOW_MS / 1000);

// ------------------------------------------------------------------------------- virtual clock

let now = 0;
let seq = 0;
/** @type {{ at: number, seq: number, fire: () => void }[]} */
let timers = [];
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => timers.push({ at: now + Math.max(0, ms), seq: seq++, fire: () => resolve(undefined) }));
Date.now = () => now;

/** Runs timers in order, letting every promise settle between two of them. */
async function runClock() {
	for (;;) {
		await new Promise(setImmediate);
		if (timers.length === 0) return;
		timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
		const next = /** @type {{ at: number, fire: () => void }} */ (timers.shift());
		now = Math.max(now, next.at);
		next.fire();
	}
}

/** The limiter module with n8n-workflow's sleep on the virtual clock. */
function loadLimiter() {
	const original = Module.prototype.require;
	Module.prototype.require = function (/** @type {string} */ id) {
		return id === 'n8n-workflow' ? { sleep } : original.call(this, id);
	};
	try {
		return require(LIMITER);
	} finally {
		Module.prototype.require = original;
	}
}
const { RateLimiter } = loadLimiter();

/** The node's backoff for the k-th rate-limit answer of an item (transport/retry.ts). @param {number} k */
function backoff(k) {
	const ceiling = Math.min(10_000, 500 * 2 ** (k - 1));
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

// ------------------------------------------------------------------------------------ one run

/** @param {number} workers */
async function run(workers) {
	now = 1e9 + Math.floor(Math.random() * WINDOW_MS);
	timers = [];
	const startedAt = now;
	let rejections = 0;
	/** @type {Map<number, number>} */
	const windows = new Map();
	const serverAccepts = () => {
		const w = Math.floor(now / WINDOW_MS);
		const count = (windows.get(w) ?? 0) + 1;
		windows.set(w, count);
		return count <= LIMIT;
	};
	const latency = () => 5 + Math.random() * 25;
	const limiters = Array.from({ length: workers }, () => new RateLimiter(LIMIT, WINDOW_MS));

	/** @param {any} limiter */
	async function revoke(limiter) {
		for (let k = 1; ; k++) {
			const slot = await limiter.acquire();
			await sleep(latency() / 2);
			const accepted = serverAccepts();
			await sleep(latency() / 2);
			slot.release(accepted ? 'answered' : 'rateLimited');
			if (accepted) return;
			rejections++;
			await sleep(backoff(k));
		}
	}
	/** @param {any} limiter @param {number} delay */
	async function execution(limiter, delay) {
		await sleep(delay);
		let next = 0;
		const lane = async () => {
			while (next < ITEMS) {
				next++;
				await revoke(limiter);
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, lane));
	}

	const done = [];
	limiters.forEach((limiter, w) => {
		const jobs = Array.from({ length: EXECUTIONS }, (_, e) => e).filter((e) => e % workers === w);
		const lag = Math.random() * LAG_MS;
		let taken = 0;
		const runner = async () => {
			while (taken < jobs.length) {
				taken++;
				await execution(limiter, lag + 50 + Math.random() * 600);
			}
		};
		for (let i = 0; i < PER_WORKER; i++) done.push(runner());
	});
	let endedAt = 0;
	void Promise.all(done).then(() => {
		endedAt = now;
	});
	await runClock();
	return { ratio: (endedAt - startedAt) / 1000 / MINIMUM_S, rejections };
}

// ---------------------------------------------------------------------------------------- main

/** @param {number[]} sorted @param {number} p */
const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

(async () => {
	process.stdout.write(`pacing, virtual time: ${N} revokes, limit ${LIMIT} / ${WINDOW_MS / 1000} s (minimum ${MINIMUM_S} s), ${TRIALS} runs each, start lag ≤ ${LAG_MS} ms\n`);
	process.stdout.write('workers | time / minimum: median  p90  worst | rejections: median  p90  worst | runs over 1.3 × or 15 %\n');
	for (const workers of WORKERS) {
		const results = [];
		for (let i = 0; i < TRIALS; i++) results.push(await run(workers));
		const ratios = results.map((r) => r.ratio).sort((a, b) => a - b);
		const rejected = results.map((r) => r.rejections).sort((a, b) => a - b);
		const over = results.filter((r) => r.ratio > 1.3 || r.rejections > 0.15 * N).length;
		const f = (/** @type {number} */ x) => x.toFixed(2);
		process.stdout.write(
			`${String(workers).padStart(7)} | ${f(quantile(ratios, 0.5)).padStart(21)} ${f(quantile(ratios, 0.9)).padStart(4)} ${f(ratios[ratios.length - 1]).padStart(6)} ` +
				`| ${String(quantile(rejected, 0.5)).padStart(19)} ${String(quantile(rejected, 0.9)).padStart(4)} ${String(rejected[rejected.length - 1]).padStart(6)} ` +
				`| ${over} of ${TRIALS}\n`,
		);
	}
})();
