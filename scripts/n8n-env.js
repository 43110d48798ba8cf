#!/usr/bin/env node
'use strict';
/**
 * Run any n8n CLI command against the dev instance of `npm start` (./.n8n-dev), with the cached
 * Node 24 + n8n and the same environment, e.g.
 *
 *   node scripts/n8n-env.js export:credentials --all --decrypted --output=/tmp/creds.json
 *   node scripts/n8n-env.js execute --id=fxiaokeRevokeDemo
 *   node scripts/n8n-env.js --print-env        (shows the environment, without the encryption key)
 *
 * Works while `npm start` is running (it uses its own task-broker port). N8N_DEV_FOLDER and
 * N8N_DEV_VERSION as for scripts/start.js.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createN8nHome, REPO_ROOT, DEFAULT_N8N_VERSION } = require('../test/support/n8n');

async function main() {
	const args = process.argv.slice(2);
	const dir = path.resolve(process.env.N8N_DEV_FOLDER || path.join(REPO_ROOT, '.n8n-dev'));
	const home = await createN8nHome({ dir, version: process.env.N8N_DEV_VERSION || DEFAULT_N8N_VERSION });
	if (args[0] === '--print-env' || args.length === 0) {
		for (const [k, v] of Object.entries(home.env)) {
			if (/^(N8N_|DB_|PATH$)/.test(k)) process.stdout.write(`${k}=${k === 'N8N_ENCRYPTION_KEY' ? '<hidden>' : v}\n`);
		}
		process.stdout.write(`# n8n: ${home.n8n.node} ${home.n8n.n8nBin}\n`);
		if (args.length === 0) process.stdout.write('# usage: node scripts/n8n-env.js <n8n command> [flags]\n');
		return;
	}
	const child = spawn(home.n8n.node, [home.n8n.n8nBin, ...args], { cwd: dir, env: home.env, stdio: 'inherit' });
	const forward = (/** @type {NodeJS.Signals} */ s) => child.kill(s);
	process.on('SIGINT', forward);
	process.on('SIGTERM', forward);
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((e) => {
	process.stderr.write(`${e && e.message ? e.message : e}\n`);
	process.exit(1);
});
