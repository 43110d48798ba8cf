'use strict';
/**
 * What an end-to-end test file starts from: a Fxiaoke sandbox on a free port and a fresh n8n home
 * with the packed package installed; `close()` removes both.
 */
const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n, packPackage, createN8nHome, removeN8nHome } = require('./n8n');
const { createSandbox } = require('../../sandbox/server');
const DEMO = require('../../sandbox/demo-app');

/**
 * @param {{ version: string, sandbox?: Record<string, unknown>, seed?: string[],
 *   installAs?: 'custom'|'communityNodes', beforeListen?: (sb: ReturnType<typeof createSandbox>) => void }} opts
 *   sandbox: options for createSandbox (default `unknownMessages: 'error'`); seed: demo-app message ids
 *   that can be revoked; beforeListen: e.g. to record every body.
 */
async function openE2e({ version, sandbox = {}, seed = [], installAs, beforeListen }) {
	await ensureN8n(version);
	const tgz = await packPackage();
	const sb = createSandbox({ unknownMessages: 'error', ...sandbox });
	let home;
	let baseUrl;
	try {
		if (beforeListen) beforeListen(sb);
		baseUrl = await sb.listen(0, '127.0.0.1');
		if (seed.length > 0) sb.seedMessages(DEMO.serviceId, seed);
		home = await createN8nHome({ tgz, version, installAs });
	} catch (error) {
		await sb.close().catch(() => undefined);
		throw error;
	} finally {
		await fs.promises.rm(path.dirname(tgz), { recursive: true, force: true });
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

module.exports = { openE2e };
