#!/usr/bin/env node
'use strict';
/**
 * `npm start` (after `npm run build`): a local n8n with this package installed in its Community
 * Nodes folder, a ready Fxiaoke credential and the demo workflow examples/send-then-revoke.json
 * (send a message as a service account, wait, revoke it: it can run any number of times), talking
 * to the local Fxiaoke sandbox, started to answer sends with a message id.
 *
 *   sandbox   http://127.0.0.1:$SANDBOX_PORT   (default 8787, fixed so the credential stays valid)
 *   n8n       http://localhost:$N8N_PORT        (default 5678)
 *   data      ./.n8n-dev/  (kept across restarts; delete it for a clean instance)
 *
 * Node 24 and n8n are installed on first use into ~/.cache/n8n-nodes-fxiaoke (a few minutes).
 * Ctrl-C stops n8n and the sandbox.
 *
 * Environment: N8N_PORT, SANDBOX_PORT, N8N_DEV_VERSION (n8n version, default 2.41.1),
 * N8N_DEV_FOLDER (default ./.n8n-dev); other N8N_* variables are passed on to n8n.
 */
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');

const {
	ensureN8n,
	packPackage,
	createN8nHome,
	importCredentials,
	importWorkflow,
	REPO_ROOT,
	DEFAULT_N8N_VERSION,
	freePort,
} = require('../test/support/n8n');
const { buildCredential, bindWorkflowCredential } = require('../test/support/workflows');
const { DEMO_EXAMPLES: EXAMPLES, DEMO_SANDBOX_OPTIONS, seedDemos } = require('./demos');

const VERSION = process.env.N8N_DEV_VERSION || DEFAULT_N8N_VERSION;
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 8787);
const SANDBOX_HOST = '127.0.0.1';
const HOME_DIR = path.resolve(process.env.N8N_DEV_FOLDER || path.join(REPO_ROOT, '.n8n-dev'));

/** @param {string} msg */
function say(msg) {
	process.stdout.write(`[start] ${msg}\n`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} url @returns {Promise<boolean>} */
function healthy(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 2000 }, (res) => {
			res.resume();
			resolve(res.statusCode === 200);
		});
		req.on('error', () => resolve(false));
		req.on('timeout', () => {
			req.destroy();
			resolve(false);
		});
	});
}

/** @param {number} port @returns {Promise<boolean>} */
function portInUse(port) {
	return new Promise((resolve) => {
		const srv = require('node:net').createServer();
		srv.once('error', () => resolve(true));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
	});
}

/** N8N_* variables the user set, passed on to n8n (the harness strips them by default). */
function userN8nEnv() {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|GENERIC_TIMEZONE$|WEBHOOK_URL$)/.test(k) && !['N8N_USER_FOLDER', 'N8N_DEV_VERSION', 'N8N_DEV_FOLDER'].includes(k)) {
			env[k] = v;
		}
	}
	return env;
}

/** @param {any} x */
function hash(x) {
	return require('node:crypto').createHash('sha256').update(JSON.stringify(x)).digest('hex');
}

async function main() {
	let createSandbox;
	let demo;
	try {
		({ createSandbox } = require('../sandbox/server'));
		demo = require('../sandbox/demo-app');
	} catch (e) {
		throw new Error(`The Fxiaoke sandbox (sandbox/server.js) could not be loaded: ${/** @type {Error} */ (e).message}`);
	}
	if (await portInUse(N8N_PORT)) throw new Error(`Port ${N8N_PORT} is in use; set N8N_PORT to another port`);

	/** @type {any} */
	let sandbox;
	/** @type {import('node:child_process').ChildProcess | undefined} */
	let n8nProc;
	let stopping = false;

	/** @param {number} code */
	async function shutdown(code) {
		if (stopping) return;
		stopping = true;
		say('stopping…');
		const proc = n8nProc;
		if (proc && proc.exitCode === null && proc.signalCode === null) {
			const exited = new Promise((resolve) => proc.once('exit', resolve));
			try {
				proc.kill('SIGTERM');
			} catch {
				/* gone */
			}
			const timer = setTimeout(() => {
				try {
					proc.kill('SIGKILL');
				} catch {
					/* gone */
				}
			}, 20_000);
			await exited;
			clearTimeout(timer);
		}
		if (sandbox) {
			try {
				await sandbox.close();
			} catch {
				/* ignore */
			}
		}
		process.exit(code);
	}
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	// 1. the sandbox, on a fixed port so the imported credential stays valid across restarts
	// Sends answer with a message id (not documented by Fxiaoke) so that the demo can revoke what it sent.
	sandbox = createSandbox(DEMO_SANDBOX_OPTIONS);
	let sandboxUrl;
	try {
		sandboxUrl = await sandbox.listen(SANDBOX_PORT, SANDBOX_HOST);
	} catch (e) {
		throw new Error(`Could not start the sandbox on ${SANDBOX_HOST}:${SANDBOX_PORT} (${/** @type {Error} */ (e).message}); set SANDBOX_PORT`);
	}
	sandboxUrl = String(sandboxUrl || `http://${SANDBOX_HOST}:${SANDBOX_PORT}`).replace(/\/+$/, '');
	const seeded = seedDemos(sandbox, demo.serviceId);
	say(`Fxiaoke sandbox on ${sandboxUrl} (service ${demo.serviceId}; sends answer with a message id; msg-1 … msg-1000 can be revoked)`);
	say(`  demo data: ${seeded.accounts.length} accounts (one key account), ${seeded.contacts.length} contacts, ${seeded.leads.length} leads, 1 opportunity; 300 employees (the credential acts as 1000)`);

	// 2. n8n itself (cached)
	say(`preparing n8n ${VERSION} (the first time this installs Node 24 + n8n, a few minutes)…`);
	const t0 = Date.now();
	const n8n = await ensureN8n(VERSION);
	say(`n8n ${n8n.version} ready (${Math.round((Date.now() - t0) / 1000)} s)`);

	// 3. a fresh pack of this package, installed into .n8n-dev/.n8n/nodes (the Community Nodes folder;
	// an earlier version of this script used .n8n/custom: removed so that the node is not loaded twice)
	const tgz = await packPackage();
	for (const folder of ['custom', 'nodes']) {
		const dir = path.join(HOME_DIR, '.n8n', folder);
		fs.rmSync(path.join(dir, 'node_modules', 'n8n-nodes-fxiaoke'), { recursive: true, force: true });
		fs.rmSync(path.join(dir, 'package-lock.json'), { force: true });
	}
	const brokerPort = Number(process.env.N8N_RUNNERS_BROKER_PORT) || (await freePort());
	const home = await createN8nHome({
		tgz,
		version: VERSION,
		dir: HOME_DIR,
		port: N8N_PORT,
		brokerPort,
		env: userN8nEnv(),
		installAs: 'communityNodes',
	});
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	home.env.N8N_LISTEN_ADDRESS = process.env.N8N_LISTEN_ADDRESS || '0.0.0.0';
	say(`installed ${path.basename(tgz)} into ${path.relative(process.cwd(), path.join(HOME_DIR, '.n8n', 'nodes'))}`);

	// 4. a credential pointing at the sandbox (re-imported each start: the sandbox forgets tokens)
	// (the id and name the examples name, so that they run as they are)
	const sources = EXAMPLES.map((file) => fs.readFileSync(file, 'utf8'));
	const examples = sources.map((text) => JSON.parse(text));
	const named = examples[0].nodes.find((/** @type {any} */ n) => n.credentials?.fxiaokeApi).credentials.fxiaokeApi;
	const credential = buildCredential({ baseUrl: sandboxUrl, app: demo, id: named.id, name: named.name });
	await importCredentials(home, [credential]);

	// 5. the example workflows, as they are; imported again only when their source changed (keeps UI edits)
	const workflows = examples.map((example) => bindWorkflowCredential(example, credential, { customType: false }));
	const marker = path.join(HOME_DIR, '.example-workflow.sha256');
	const digest = hash({ sources, credential: credential.id });
	if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8').trim() !== digest) {
		await importWorkflow(home, workflows);
		fs.writeFileSync(marker, `${digest}\n`);
		say(`imported the workflows ${workflows.map((w) => `"${w.name}"`).join(', ')}`);
	}
	const workflow = workflows[0];

	// 6. n8n start, output streamed
	const editorUrl = `http://localhost:${N8N_PORT}`;
	say(`starting n8n on ${editorUrl} …`);
	// its own process group: a Ctrl-C reaches only this script, which stops n8n with one SIGTERM
	// (n8n receiving SIGINT and SIGTERM at once logs spurious shutdown errors)
	n8nProc = spawn(n8n.node, [n8n.n8nBin, 'start'], { cwd: HOME_DIR, env: home.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
	const proc = n8nProc;
	process.on('exit', () => {
		if (proc.exitCode === null && proc.signalCode === null) {
			try {
				process.kill(-(/** @type {number} */ (proc.pid)), 'SIGKILL');
			} catch {
				/* gone */
			}
		}
	});
	n8nProc.on('exit', (code, signal) => {
		if (!stopping) {
			say(`n8n exited (${signal || code})`);
			void shutdown(code || 1);
		}
	});
	const deadline = Date.now() + 5 * 60 * 1000;
	while (!stopping && Date.now() < deadline && !(await healthy(`http://127.0.0.1:${N8N_PORT}/healthz`))) await sleep(500);
	if (stopping) return;
	if (Date.now() >= deadline) {
		say('n8n did not become healthy within 5 minutes');
		await shutdown(1);
		return;
	}
	say('');
	say(`n8n is up: ${editorUrl}`);
	say(`  demo:       ${editorUrl}/workflow/${workflow.id} ("${workflow.name}": run it as often as you like)`);
	say(`  credential: "${credential.name}" → ${sandboxUrl}`);
	say('  (first visit: create the owner account; data lives in .n8n-dev/)');
	say('Ctrl-C to stop.');
}

main().catch((e) => {
	process.stderr.write(`[start] ${e && e.message ? e.message : e}\n`);
	process.exit(1);
});
