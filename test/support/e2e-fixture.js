'use strict';
/**
 * What an end-to-end test file starts from: a Fxiaoke sandbox on a free port and a fresh n8n home
 * with the packed package installed; `close()` removes both. `useE2e` opens them in the file's
 * `beforeAll` and closes them in its `afterAll`.
 */
const fs = require('node:fs');
const path = require('node:path');

const { DEFAULT_N8N_VERSION, ensureN8n, packPackage, createN8nHome, removeN8nHome } = require('./n8n');
const { homeTemplate } = require('./run-assets');
const { createSandbox } = require('../../sandbox/server');
const DEMO = require('../../sandbox/demo-app');

/** The n8n version the e2e tests install: $N8N_E2E_VERSION, default 2.41.1. */
const VERSION = process.env.N8N_E2E_VERSION || DEFAULT_N8N_VERSION;
/** The older n8n versions test/e2e/compat.e2e.test.js runs: $N8N_COMPAT_VERSIONS (comma-separated), default the last 1.x. */
const COMPAT_VERSIONS = (process.env.N8N_COMPAT_VERSIONS || '1.123.81')
	.split(',')
	.map((v) => v.trim())
	.filter(Boolean);
/** A file's set-up (the first run on a machine installs n8n). */
const SETUP_TIMEOUT = 25 * 60 * 1000;
/** One n8n command or server start in a test. */
const RUN_TIMEOUT = 5 * 60 * 1000;

/** @typedef {ReturnType<typeof createSandbox>} Sandbox */
/** @typedef {{ sb: Sandbox, baseUrl: string, home: import('./n8n').N8nHome, close: () => Promise<void> }} E2e */
/**
 * @typedef {{ version: string, sandbox?: Record<string, unknown>, seed?: string[],
 *   installAs?: 'custom'|'communityNodes', beforeListen?: (sb: Sandbox) => void }} E2eOptions
 *   sandbox: options for createSandbox (default `unknownMessages: 'error'`); seed: demo-app message ids
 *   that can be revoked; beforeListen: e.g. to record every body.
 */

/** @param {E2eOptions} opts @returns {Promise<E2e>} */
async function openE2e({ version, sandbox = {}, seed = [], installAs, beforeListen, logLevel }) {
	await ensureN8n(version);
	// the run's prepared home (packed, installed, migrated once per run), else a pack of our own
	const from = await homeTemplate({ version, installAs });
	const tgz = from ? undefined : await packPackage();
	const sb = createSandbox({ unknownMessages: 'error', ...sandbox });
	let home;
	let baseUrl;
	try {
		if (beforeListen) beforeListen(sb);
		baseUrl = await sb.listen(0, '127.0.0.1');
		if (seed.length > 0) sb.seedMessages(DEMO.serviceId, seed);
		home = await createN8nHome({ from, tgz, version, installAs, logLevel });
	} catch (error) {
		await sb.close().catch(() => undefined);
		throw error;
	} finally {
		if (tgz) await fs.promises.rm(path.dirname(tgz), { recursive: true, force: true });
	}
	return {
		sb,
		baseUrl,
		home,
		async close() {
			await sb.close();
			await removeN8nHome(home);
		},
	};
}

/**
 * The jest hooks of an e2e file (call it in the describe): `beforeAll` opens the sandbox and the n8n
 * home (openE2e) and then runs `setup` with them, for the file's own set-up (credentials, workflows);
 * `afterAll` closes both, also after a set-up that failed half-way.
 * @param {E2eOptions & { timeout?: number }} options  timeout: of the beforeAll (default SETUP_TIMEOUT)
 * @param {(e2e: E2e) => unknown} setup
 */
function useE2e({ timeout = SETUP_TIMEOUT, ...options }, setup) {
	/** @type {E2e | undefined} */
	let e2e;
	beforeAll(async () => {
		e2e = await openE2e(options);
		await setup(e2e);
	}, timeout);
	afterAll(async () => {
		if (e2e) await e2e.close();
	});
}

/**
 * The run of `n8n execute` (executeWorkflowRaw) when it succeeded; otherwise throws `what` with n8n's
 * error and the end of what it printed.
 * @template {{ ok: boolean, errorMessage?: string, stdout: string, stderr: string }} R
 * @param {R} r @param {string} [what]
 * @returns {R}
 */
function throwIfFailed(r, what = 'execution failed') {
	if (r.ok) return r;
	throw new Error(`${what}: ${r.errorMessage}\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
}

/**
 * `n8n start` on the home `homeOf()` gives, for the tests of the describe it is called in (its
 * `cookie` is a logged-in session for the REST API). One per home: a second start would find the
 * owner already set up.
 * @param {() => import('./n8n').N8nHome} homeOf
 * @returns {{ cookie?: string }} filled in once it runs
 */
function useN8nServer(homeOf) {
	const { startN8nServer } = require('./n8n');
	/** @type {{ cookie?: string, stop?: () => Promise<void> }} */
	const server = {};
	beforeAll(async () => {
		Object.assign(server, await startN8nServer(homeOf()));
	}, RUN_TIMEOUT);
	afterAll(async () => {
		if (server.stop) await server.stop();
	});
	return server;
}

module.exports = { VERSION, COMPAT_VERSIONS, SETUP_TIMEOUT, RUN_TIMEOUT, openE2e, useE2e, useN8nServer, throwIfFailed };
