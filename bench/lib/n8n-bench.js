'use strict';
/**
 * Bench-specific helpers around test/support/n8n.js (which is reused, not changed): installing the
 * bench node package next to ours, and executing a workflow with a preload that reports the n8n
 * process's peak memory (and, on request, a CPU profile).
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');

const { cleanEnv, executeWorkflowRaw } = require('../../test/support/n8n');

const execFileAsync = promisify(execFile);
const PRELOAD = path.join(__dirname, 'preload.js');
const NOOP_PACKAGE_DIR = path.join(__dirname, '..', 'noop-node');

/**
 * `npm pack` bench/noop-node and `npm install` it into the home's `.n8n/custom`, beside the
 * Fxiaoke package that createN8nHome installed (n8n's custom loader finds every `*.node.js` there).
 * @param {import('../../test/support/n8n').N8nHome} home
 */
async function installBenchPackage(home) {
	const dest = await fsp.mkdtemp(path.join(os.tmpdir(), 'fxiaoke-bench-pack-'));
	try {
		const env = cleanEnv();
		const { stdout } = await execFileAsync('npm', ['pack', '--json', '--ignore-scripts', '--update-notifier=false', '--pack-destination', dest], {
			cwd: NOOP_PACKAGE_DIR,
			env,
			maxBuffer: 16 * 1024 * 1024,
		});
		const tgz = path.join(dest, JSON.parse(stdout.slice(stdout.indexOf('[')))[0].filename);
		const customDir = path.join(home.dir, '.n8n', 'custom');
		await execFileAsync(
			'npm',
			['install', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--update-notifier=false', '--loglevel=error', tgz],
			{ cwd: customDir, env, maxBuffer: 16 * 1024 * 1024 },
		);
		if (!fs.existsSync(path.join(customDir, 'node_modules', 'n8n-nodes-fxiaoke-bench', 'nodes', 'FxiaokeBenchNoop.node.js'))) {
			throw new Error('bench package not found in .n8n/custom after npm install');
		}
		if (!fs.existsSync(path.join(customDir, 'node_modules', 'n8n-nodes-fxiaoke', 'package.json'))) {
			throw new Error('installing the bench package removed n8n-nodes-fxiaoke from .n8n/custom');
		}
	} finally {
		await fsp.rm(dest, { recursive: true, force: true });
	}
}

/**
 * @typedef {object} Measured
 * @property {boolean} ok          the run data says the execution succeeded (exit code aside)
 * @property {any} run             the IRun JSON
 * @property {number | null} code  exit code of `n8n execute`
 * @property {string} errorMessage
 * @property {number} wallMs       the whole `n8n execute` process, start-up included
 * @property {number | null} vmHwmMb peak RSS of the `n8n execute` process
 * @property {{ epochMs: number, monoUs: number } | null} clock
 * @property {string | null} cpuProfile path of the main process's .cpuprofile (when profiling)
 * @property {Record<string, number> | null} memPeaks peaks of process.memoryUsage() fields in MB (when sampling)
 * @property {Array<[number, number, number, number]> | null} memTimeline [epoch ms, rss, heapUsed, external+arrayBuffers] MB
 * @property {string} stdoutTail
 * @property {string} stderrTail
 */

/**
 * `n8n execute --id --rawOutput` with the bench preload (and optionally --cpu-prof).
 * @param {import('../../test/support/n8n').N8nHome} home
 * @param {string} id
 * @param {{ timeoutMs?: number, cpuProfDir?: string, cpuProfIntervalUs?: number, memSampleMs?: number, env?: NodeJS.ProcessEnv, nodeOptions?: string[] }} [opts]
 * @returns {Promise<Measured>}
 */
async function executeMeasured(home, id, opts = {}) {
	const procDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fxiaoke-bench-proc-'));
	const nodeOptions = [`--require=${PRELOAD}`, ...(opts.nodeOptions || [])];
	if (opts.cpuProfDir) {
		fs.mkdirSync(opts.cpuProfDir, { recursive: true });
		nodeOptions.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`, `--cpu-prof-interval=${opts.cpuProfIntervalUs || 250}`);
	}
	const before = opts.cpuProfDir ? new Set(fs.readdirSync(opts.cpuProfDir)) : new Set();
	try {
		const r = await executeWorkflowRaw(home, id, {
			timeoutMs: opts.timeoutMs ?? 10 * 60 * 1000,
			env: {
				...(opts.env || {}),
				NODE_OPTIONS: nodeOptions.join(' '),
				BENCH_PROC_DIR: procDir,
				...(opts.memSampleMs ? { BENCH_MEM_SAMPLE_MS: String(opts.memSampleMs) } : {}),
			},
		});
		const procs = fs
			.readdirSync(procDir)
			.filter((f) => f.endsWith('.json'))
			.map((f) => JSON.parse(fs.readFileSync(path.join(procDir, f), 'utf8')));
		const main = procs.find((p) => p.argv.some((/** @type {string} */ a) => a === 'execute')) || null;
		let cpuProfile = null;
		if (opts.cpuProfDir && main) {
			const fresh = fs.readdirSync(opts.cpuProfDir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
			cpuProfile = fresh.find((f) => f.includes(`.${main.pid}.`)) || null;
			if (cpuProfile) cpuProfile = path.join(opts.cpuProfDir, cpuProfile);
		}
		const status = r.run?.status;
		const ok = !!r.run && !r.run?.data?.resultData?.error && (status === undefined || status === 'success');
		return {
			ok,
			run: r.run,
			code: r.code,
			errorMessage: r.errorMessage || '',
			wallMs: r.durationMs,
			vmHwmMb: main && main.vmHwmKb ? main.vmHwmKb / 1024 : null,
			clock: main ? main.clock : null,
			memPeaks: main && main.peaks && Object.keys(main.peaks).length ? main.peaks : null,
			memTimeline: main && main.timeline && main.timeline.length ? main.timeline : null,
			cpuProfile,
			stdoutTail: r.stdout.slice(-4000),
			stderrTail: r.stderr.slice(-4000),
		};
	} finally {
		await fsp.rm(procDir, { recursive: true, force: true });
	}
}

module.exports = { installBenchPackage, executeMeasured };
