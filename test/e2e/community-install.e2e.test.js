'use strict';
/**
 * The install path most users take: the packed package in the Community Nodes folder `~/.n8n/nodes`
 * of a real n8n (2.41.1 by default, or $N8N_E2E_VERSION), where the node type is
 * `n8n-nodes-fxiaoke.fxiaoke`. The example workflows are imported exactly as they are in examples/,
 * with a credential of the id and name they name ("Fxiaoke sandbox"), and run against the sandbox.
 * Requires `npm run build` first (dist/).
 */
const fs = require('node:fs');
const path = require('node:path');

const {
	REPO_ROOT,
	importCredentials,
	importWorkflow,
	executeWorkflowRaw,
	getNodeOutput,
	startN8nServer,
	restRequest,
} = require('../support/n8n');
const { buildCredential } = require('../support/workflows');
const { createSandbox } = require('../../sandbox/server');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf } = require('../support/items');
const { openE2e } = require('../support/e2e-fixture');

const VERSION = process.env.N8N_E2E_VERSION || '2.41.1';
const SETUP_TIMEOUT = 25 * 60 * 1000;
const RUN_TIMEOUT = 3 * 60 * 1000;

/** @param {string} name */
const example = (name) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', name), 'utf8'));

describe(`the package installed in ~/.n8n/nodes of n8n ${VERSION}`, () => {
	/** @type {ReturnType<typeof createSandbox>} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {Awaited<ReturnType<typeof openE2e>> | undefined} */
	let e2e;
	const revokeMessages = example('revoke-messages.json');
	const sendThenRevoke = example('send-then-revoke.json');

	beforeAll(async () => {
		// The demo data the examples name: messages msg-1 … msg-1000; sends answer with a message id.
		e2e = await openE2e({
			version: VERSION,
			sandbox: { returnMessageId: true },
			seed: Array.from({ length: 1000 }, (_, i) => `msg-${i + 1}`),
			installAs: 'communityNodes',
		});
		({ sb, home } = e2e);
		const baseUrl = e2e.baseUrl;
		const { id, name } = revokeMessages.nodes.find((n) => n.credentials?.fxiaokeApi).credentials.fxiaokeApi;
		await importCredentials(home, [buildCredential({ baseUrl, app: DEMO, id, name })]);
		await importWorkflow(home, [revokeMessages, sendThenRevoke]);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		if (e2e) await e2e.close();
	});

	test('the package sits in .n8n/nodes', () => {
		expect(fs.existsSync(path.join(home.dir, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-fxiaoke', 'package.json'))).toBe(true);
		expect(fs.existsSync(path.join(home.dir, '.n8n', 'custom', 'node_modules', 'n8n-nodes-fxiaoke'))).toBe(false);
	});

	test(
		'the node types n8n serves to the editor list no "Custom API Call" for this node',
		async () => {
			const n8n = await startN8nServer(home);
			try {
				const r = await restRequest(home.port, 'GET', '/types/nodes.json', undefined, n8n.cookie);
				expect(r.status).toBe(200);
				const node = r.json.find((/** @type {any} */ n) => n.name === 'n8n-nodes-fxiaoke.fxiaoke');
				expect(node).toBeDefined();
				const values = node.properties
					.filter((/** @type {any} */ p) => ['resource', 'operation'].includes(p.name))
					.flatMap((/** @type {any} */ p) => p.options.map((/** @type {any} */ o) => o.value));
				expect(values).toEqual(expect.arrayContaining(['message', 'media', 'revoke', 'sendText', 'upload']));
				expect(values).not.toContain('__CUSTOM_API_CALL__');
				// every Fxiaoke node type the examples name is one n8n serves from this install
				const served = new Set(r.json.map((/** @type {any} */ n) => n.name));
				for (const wf of [revokeMessages, sendThenRevoke]) {
					for (const n of wf.nodes.filter((/** @type {any} */ x) => x.type.startsWith('n8n-nodes-fxiaoke.'))) expect(served.has(n.type)).toBe(true);
				}
			} finally {
				await n8n.stop();
			}
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/revoke-messages.json runs: every demo message it names is revoked',
		async () => {
			const r = await executeWorkflowRaw(home, revokeMessages.id, { timeoutMs: RUN_TIMEOUT });
			expect(r.errorMessage).toBeUndefined();
			expect(r.ok).toBe(true);
			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.items.length).toBeGreaterThan(0);
			for (const item of out.items) expect(fieldsOf(item).errorCode).toBe(0);
			const revoked = sb.requests.filter((q) => q.endpoint === 'revoke' && q.response?.body?.errorCode === 0);
			expect(revoked).toHaveLength(out.items.length);
			for (const q of revoked) expect(sb.messages.get(q.body.messageId)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/send-then-revoke.json runs: the message it sends is the one it revokes',
		async () => {
			const before = sb.requests.length;
			const r = await executeWorkflowRaw(home, sendThenRevoke.id, { timeoutMs: RUN_TIMEOUT });
			expect(r.errorMessage).toBeUndefined();
			expect(r.ok).toBe(true);
			const requests = sb.requests.slice(before);
			const sent = requests.filter((q) => q.endpoint === 'appSend');
			const revoked = requests.filter((q) => q.endpoint === 'revoke');
			expect(sent).toHaveLength(1);
			expect(revoked).toHaveLength(1);
			expect(revoked[0].body.messageId).toBe(sent[0].response.body.messageId);
			expect(revoked[0].response.body.errorCode).toBe(0);
		},
		RUN_TIMEOUT,
	);
});
