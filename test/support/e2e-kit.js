'use strict';
/**
 * Extra tools for the issue-5 e2e tests (soak, secrets, token concurrency), on top of the shared
 * harness in ./n8n.js (which they do not change):
 *  - workflows with any Fxiaoke operation, fed by static items or by a "control" HTTP call that
 *    lets the test arm sandbox faults right before the Fxiaoke node runs;
 *  - `n8n executeBatch` (several executions in ONE n8n process), with its exact 2.41 flags;
 *  - reading n8n's stored executions from its sqlite database.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');
const { execFile } = require('node:child_process');

const { runN8n } = require('./n8n');
const { FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, n8nId, chainWorkflow, startWith, SPLIT_OUT } = require('./workflows');

/**
 * A workflow id that `executeBatch --ids` accepts: n8n 2.41 keeps only ids matching /\d+/
 * (commands/execute-batch.js), so an id without a digit would silently be skipped.
 */
function batchId() {
	for (;;) {
		const id = n8nId();
		if (/\d/.test(id)) return id;
	}
}

/**
 * `count` workflow ids that `executeBatch --concurrency=1` runs in the order given, when the
 * workflows are imported in that order: n8n 2.41 reads them with `id IN (…)` and no ORDER BY
 * (commands/execute-batch.js), which sqlite answers in import (rowid) order or in id order, and
 * these ids sort as listed (the position, zero-padded, then random characters; 16 in all).
 * @param {number} count
 */
function orderedBatchIds(count) {
	const width = String(Math.max(count - 1, 0)).length;
	return Array.from({ length: count }, (_, i) => `${String(i).padStart(width, '0')}${n8nId().slice(width)}`);
}

/**
 * Start → (items) → Split Out → Fxiaoke. Items come either from a Set node (static `items`) or
 * from an HTTP Request node calling `controlUrl`, which answers `{ items: [...] }` (and can arm
 * the sandbox for this execution).
 * @param {{ name: string, credential: { id: string, name: string }, parameters: Record<string, unknown>,
 *   items?: object[], controlUrl?: string, continueOnFail?: boolean, id?: string }} opts
 */
function buildFlow(opts) {
	const source = opts.controlUrl
		? [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
				{ name: 'Control', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { method: 'GET', url: opts.controlUrl, options: {} } },
			]
		: startWith({ items: opts.items || [] }, 'Control');
	/** @type {Record<string, unknown>} */
	const fxiaoke = {
		name: 'Fxiaoke',
		type: FXIAOKE_NODE_TYPE,
		parameters: opts.parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: opts.credential.id, name: opts.credential.name } },
	};
	if (opts.continueOnFail) fxiaoke.onError = 'continueRegularOutput';
	return chainWorkflow({ id: opts.id || batchId(), name: opts.name, nodes: [...source, SPLIT_OUT, fxiaoke] });
}

/** Node parameters for the Fxiaoke node reading each field from the item (`{{ $json.<field> }}`). */
const fromItem = {
	revoke: (options = {}) => ({ resource: 'message', operation: 'revoke', serviceId: '={{ $json.serviceId }}', messageId: '={{ $json.messageId }}', options }),
	sendText: (options = {}) => ({ resource: 'message', operation: 'sendText', toUser: '={{ $json.toUser }}', content: '={{ $json.content }}', options }),
};

/**
 * A small HTTP server the workflows call first (GET /<scenario>): `handlers[scenario]()` arms the
 * sandbox and returns the items for the execution.
 * @param {Record<string, () => object[]>} handlers
 */
async function startControl(handlers) {
	/** @type {string[]} */
	const calls = [];
	const server = http.createServer((req, res) => {
		const name = decodeURIComponent((req.url || '/').slice(1).split('?')[0]);
		calls.push(name);
		const handler = handlers[name];
		if (!handler) {
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: `no scenario ${name}` }));
			return;
		}
		let items;
		try {
			items = handler();
		} catch (error) {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: String(error) }));
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ items }));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		calls,
		url: (/** @type {string} */ name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * `n8n executeBatch` (n8n 2.41 flags, read in dist/commands/execute-batch.js): --ids=a,b (ids must
 * contain a digit), --concurrency=N (parallel executions in this one process), --retries=0 (its
 * default 1 would run a failed workflow AGAIN: a second send), --snapshot=<dir> (the run data of
 * every execution that ended without error, as <id>-snapshot.json), --output=<file> (the summary
 * JSON; per-execution timeout 3 minutes).
 * @param {import('./n8n').N8nHome} home
 * @param {string[]} ids
 * @param {{ concurrency?: number, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [opts]
 */
async function executeBatch(home, ids, opts = {}) {
	for (const id of ids) if (!/\d/.test(id)) throw new Error(`executeBatch skips id ${id}: it has no digit`);
	const dir = path.join(home.dir, 'e2e-io', `batch-${Date.now()}-${crypto.randomBytes(3).toString('hex')}`);
	const snapshots = path.join(dir, 'snapshots');
	fs.mkdirSync(snapshots, { recursive: true });
	const output = path.join(dir, 'summary.json');
	const res = await runN8n(
		home,
		['executeBatch', `--ids=${ids.join(',')}`, `--concurrency=${opts.concurrency ?? 1}`, '--retries=0', `--snapshot=${snapshots}`, `--output=${output}`],
		{ timeoutMs: opts.timeoutMs ?? 5 * 60 * 1000, env: opts.env },
	);
	/** @type {any} */
	let summary;
	try {
		summary = JSON.parse(await fsp.readFile(output, 'utf8'));
	} catch {
		summary = undefined;
	}
	/** @type {Record<string, any>} */
	const runs = {};
	for (const file of fs.existsSync(snapshots) ? fs.readdirSync(snapshots) : []) {
		const m = /^(.+)-snapshot\.json$/.exec(file);
		if (m) runs[m[1]] = JSON.parse(fs.readFileSync(path.join(snapshots, file), 'utf8'));
	}
	const summaryText = summary ? JSON.stringify(summary) : '';
	await fsp.rm(dir, { recursive: true, force: true });
	return { code: res.code, stdout: res.stdout, stderr: res.stderr, durationMs: res.durationMs, timedOut: res.timedOut, summary, summaryText, runs };
}

/** Reads the rows in n8n's own Node (24): its sqlite3 build crashes Node 20 (SIGSEGV, seen here). */
const READ_EXECUTIONS = `
const path = require('node:path');
const [modules, file] = process.argv.slice(1);
const sqlite3 = require(path.join(modules, 'sqlite3'));
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
	if (err) { process.stderr.write(err.message); process.exit(1); }
	db.all(
		'SELECT e.id AS id, e.workflowId AS workflowId, e.status AS status, e.mode AS mode, d.data AS rawData ' +
			'FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ORDER BY e.id',
		(error, rows) => {
			if (error) { process.stderr.write(error.message); process.exit(1); }
			process.stdout.write(JSON.stringify(rows));
			db.close();
		},
	);
});
`;

/**
 * Every execution n8n stored in `${home}/.n8n/database.sqlite`: the row of execution_entity and
 * its execution_data (n8n keeps it in `flatted` form; parsed here with n8n's own copy).
 * @param {import('./n8n').N8nHome} home
 * @returns {Promise<Array<{ id: number, workflowId: string, status: string, mode: string, rawData: string, data: any }>>}
 */
async function readExecutions(home) {
	const modules = path.join(home.n8n.dir, 'node_modules');
	const flatted = require(path.join(modules, 'flatted'));
	const file = path.join(home.dir, '.n8n', 'database.sqlite');
	const { stdout } = await new Promise((resolve, reject) =>
		execFile(home.n8n.node, ['-e', READ_EXECUTIONS, modules, file], { maxBuffer: 512 * 1024 * 1024 }, (error, out, err) =>
			error ? reject(new Error(`reading ${file} failed: ${err || error.message}`)) : resolve({ stdout: out }),
		),
	);
	/** @type {any[]} */
	const rows = JSON.parse(stdout);
	return rows.map((row) => {
		let data;
		try {
			data = row.rawData ? flatted.parse(row.rawData) : undefined;
		} catch {
			data = undefined;
		}
		return { ...row, data };
	});
}

/** The Fxiaoke node's output items (or [] ) and its error, from a run (IRun or its `data`). @param {any} run */
function fxiaokeResult(run) {
	const resultData = run?.data?.resultData ?? run?.resultData;
	const task = resultData?.runData?.Fxiaoke?.[0];
	return { items: task?.data?.main?.[0] ?? [], error: task?.error ?? resultData?.error, resultError: resultData?.error };
}

module.exports = { batchId, orderedBatchIds, buildFlow, fromItem, startControl, executeBatch, readExecutions, fxiaokeResult };
