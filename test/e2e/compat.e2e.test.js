'use strict';
/**
 * Compatibility: the core revoke scenario in the last n8n 1.x (1.123.81) on Node 24, with the packed
 * package installed by hand into `~/.n8n/custom`. n8n 2.41.1 runs the same scenario (and more) in
 * revoke.e2e.test.js.
 *
 *   1. a few items → one token call, one revoke per item, answers paired with their items;
 *   2. a second execution reuses the token n8n persisted in the credential (no token call);
 *   3. an unknown message id with Continue On Fail → an error item in place, the others revoked;
 *   4. a text send and an image upload (a PNG made by n8n's Convert to File);
 *   5. the credential test through n8n's REST API (what the credential dialog calls): the sandbox
 *      credential passes, one with a wrong App Secret fails with Fxiaoke's error code.
 *
 * Versions: $N8N_COMPAT_VERSIONS (comma-separated, default "1.123.81"). n8n 1.x installs with an
 * `xlsx` override (NOTES §1), which test/support/n8n.js's ensureN8n applies for 1.x versions; the
 * first run on a machine installs it into ~/.cache/n8n-nodes-fxiaoke (about 5 minutes).
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');

const { importCredentials, importWorkflow, executeWorkflowRaw, exportCredentials, getNodeOutput } = require('../support/n8n');
const { startN8nServer, restRequest } = require('../support/n8n');
const { buildCredential, buildRevokeWorkflow, revokeItems, chainWorkflow, startWith, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf, pairedIndex, messageIds, UUID_V4 } = require('../support/items');
const { useE2e, throwIfFailed, RUN_TIMEOUT, COMPAT_VERSIONS } = require('../support/e2e-fixture');

const VERSIONS = COMPAT_VERSIONS;
const SETUP_TIMEOUT = 30 * 60 * 1000; // the first run installs n8n
/** A 1×1 PNG. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/**
 * Manual Trigger → Set (raw JSON) → Fxiaoke, with `extra` nodes between Set and Fxiaoke.
 * @param {string} name @param {Record<string, unknown>} item @param {Record<string, unknown>} parameters
 * @param {{ id: string, name: string }} credential @param {any[]} [extra]
 */
function oneItemWorkflow(name, item, parameters, credential, extra = []) {
	const fxiaoke = { name: 'Fxiaoke', type: FXIAOKE_NODE_TYPE, parameters, credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } } };
	return chainWorkflow({ name, nodes: [...startWith(item, 'Item'), ...extra, fxiaoke] });
}

describe.each(VERSIONS)('revoke in a real n8n %s (compatibility)', (version) => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {ReturnType<typeof buildCredential>} */
	let cred;
	/** @type {string[]} */
	const printed = [];
	/** @type {Record<string, any>} */
	const wf = {};
	/** @type {ReturnType<typeof buildCredential>} */
	let wrongSecretCred;
	const WRONG_SECRET = `wrong-${crypto.randomBytes(6).toString('hex')}`;

	const ids1 = messageIds('c1', 5);
	const ids2 = messageIds('c2', 3);
	const known3 = messageIds('c3', 3);
	const unknown3 = `unknown-${crypto.randomUUID()}`;
	const ids3 = [known3[0], unknown3, known3[1], known3[2]];

	/**
	 * Executes a workflow (a failed execution throws): the output of node `node` and the sandbox requests it caused.
	 * @param {{ id: string }} workflow @param {string} node
	 */
	async function run(workflow, node) {
		const before = sb.requests.length;
		const r = await executeWorkflowRaw(home, workflow.id, { timeoutMs: RUN_TIMEOUT });
		printed.push(r.stdout, r.stderr);
		throwIfFailed(r, `n8n ${version}: execution failed`);
		return { out: getNodeOutput(r.run, node), requests: sb.requests.slice(before) };
	}

	useE2e({ version, seed: [...ids1, ...ids2, ...known3], timeout: SETUP_TIMEOUT }, async (e2e) => {
		({ sb, home } = e2e);
		const { baseUrl } = e2e;
		expect(home.n8n.version).toBe(version);

		cred = buildCredential({ baseUrl, app: DEMO, name: 'Fxiaoke sandbox' });
		// n8n tests only a stored credential the user may read (what the dialog edits)
		wrongSecretCred = buildCredential({ baseUrl, app: { ...DEMO, appSecret: WRONG_SECRET }, name: 'Fxiaoke wrong secret' });
		await importCredentials(home, [cred, wrongSecretCred]);
		wf.first = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, ids1), credential: cred, name: 'Compat: revoke (1)' });
		wf.second = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, ids2), credential: cred, name: 'Compat: revoke (2)' });
		wf.continueOnFail = buildRevokeWorkflow({
			items: revokeItems(DEMO.serviceId, ids3),
			credential: cred,
			continueOnFail: true,
			name: 'Compat: revoke with an unknown id',
		});
		wf.send = oneItemWorkflow('Compat: send text', { toUser: '1000', content: `compat ${crypto.randomUUID()}` }, { resource: 'message', operation: 'sendText', toUser: '={{ $json.toUser }}', content: '={{ $json.content }}', options: {} }, cred);
		wf.upload = oneItemWorkflow('Compat: upload image', { png: PIXEL_PNG }, { resource: 'media', operation: 'upload', binaryPropertyName: 'data' }, cred, [
			{
				name: 'To PNG',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				parameters: { operation: 'toBinary', sourceProperty: 'png', binaryPropertyName: 'data', options: { fileName: 'pixel.png', mimeType: 'image/png' } },
			},
		]);
		await importWorkflow(home, Object.values(wf));
	});

	test(
		'revokes a few messages: one token call, one request per item, answers paired with their items',
		async () => {
			const { out, requests } = await run(wf.first, 'Revoke');
			expect(out.error).toBeUndefined();
			expect(out.items).toHaveLength(ids1.length);

			const tokenReqs = requests.filter((q) => q.endpoint === 'token');
			const revokeReqs = requests.filter((q) => q.endpoint === 'revoke');
			expect(tokenReqs).toHaveLength(1);
			expect(revokeReqs).toHaveLength(ids1.length);
			const token = tokenReqs[0].response.body;
			expect(token.errorCode).toBe(0);

			/** @type {Map<string, any>} */
			const byMessage = new Map();
			for (const q of revokeReqs) {
				expect(q.headers.authorization).toBe(`Bearer ${token.accessToken}`);
				expect(q.headers['x-fs-ea']).toBe(String(token.ea));
				expect(q.headers['x-fs-userid']).toBe(String(DEMO.userId));
				expect(q.query.thirdTraceId).toMatch(UUID_V4);
				expect(q.thirdTraceIdStatus).toBe('ok');
				expect(q.body).toEqual({ serviceId: DEMO.serviceId, messageId: q.body.messageId });
				expect(q.response.body.errorCode).toBe(0);
				byMessage.set(q.body.messageId, q);
			}
			out.items.forEach((item, i) => {
				expect(pairedIndex(item)).toBe(i);
				expect(fieldsOf(item).errorCode).toBe(0);
				expect(fieldsOf(item).traceId).toBe(byMessage.get(ids1[i]).response.body.traceId);
				expect(item.json).not.toHaveProperty('accessToken');
			});
			for (const id of ids1) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'a second execution reuses the token persisted in the credential',
		async () => {
			const tokenCallsBefore = sb.stats.tokenCalls;
			const { out, requests } = await run(wf.second, 'Revoke');
			expect(out.items).toHaveLength(ids2.length);
			for (const item of out.items) expect(fieldsOf(item).errorCode).toBe(0);
			expect(sb.stats.tokenCalls).toBe(tokenCallsBefore);
			expect(requests.filter((q) => q.endpoint === 'token')).toHaveLength(0);
			expect(requests.filter((q) => q.endpoint === 'revoke')).toHaveLength(ids2.length);
			for (const id of ids2) expect(sb.messages.get(id)).toMatchObject({ revoked: true });

			const exported = await exportCredentials(home);
			const mine = exported.find((/** @type {any} */ c) => c.id === cred.id);
			expect(mine).toBeDefined();
			const lastToken = sb.requests.filter((q) => q.endpoint === 'token').pop();
			expect(mine.data.accessToken).toBe(lastToken.response.body.accessToken);
			expect(mine.data.ea).toBe(String(lastToken.response.body.ea));
			expect(Number(mine.data.tokenExpiresAt)).toBeGreaterThan(Date.now());
		},
		RUN_TIMEOUT,
	);

	test(
		'Continue On Fail: the unknown message becomes an error item in place, the others are revoked',
		async () => {
			const { out, requests } = await run(wf.continueOnFail, 'Revoke');
			expect(out.items).toHaveLength(ids3.length);
			const revokeReqs = requests.filter((q) => q.endpoint === 'revoke');
			/** @type {Map<string, any>} */
			const byMessage = new Map(revokeReqs.map((q) => [q.body.messageId, q]));
			out.items.forEach((item, i) => {
				expect(pairedIndex(item)).toBe(i);
				const q = byMessage.get(ids3[i]);
				expect(q).toBeDefined();
				if (ids3[i] === unknown3) {
					expect(q.response.body.errorCode).not.toBe(0);
					expect(fieldsOf(item).errorCode).toBe(q.response.body.errorCode);
					expect(typeof item.json.error).toBe('string');
					expect(item.json.error.length).toBeGreaterThan(0);
					expect(fieldsOf(item).traceId).toBe(q.response.body.traceId);
				} else {
					expect(fieldsOf(item).errorCode).toBe(0);
					expect(item.json).not.toHaveProperty('error');
				}
			});
			for (const id of known3) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
			expect(sb.messages.has(unknown3)).toBe(false);
		},
		RUN_TIMEOUT,
	);

	test(
		'a text send: one request to /cgi/message/send with the item\'s recipients and content, Fxiaoke\'s answer as the output',
		async () => {
			const { out, requests } = await run(wf.send, 'Fxiaoke');
			const sends = requests.filter((q) => q.endpoint === 'send');
			expect(sends).toHaveLength(1);
			expect(sends[0].body.toUser).toEqual(['1000']);
			expect(sends[0].body.msgType).toBe('text');
			expect(JSON.stringify(sends[0].body)).toContain(JSON.parse(wf.send.nodes[1].parameters.jsonOutput).content);
			expect(out.items).toHaveLength(1);
			expect(out.items[0].json.errorCode).toBe(0);
			expect(out.items[0].json.traceId).toBe(sends[0].response.body.traceId);
		},
		RUN_TIMEOUT,
	);

	test(
		'an image upload: the PNG reaches /media/upload/message as multipart, the output carries the mediaId',
		async () => {
			const { out, requests } = await run(wf.upload, 'Fxiaoke');
			const uploads = requests.filter((q) => q.endpoint === 'upload');
			expect(uploads).toHaveLength(1);
			expect(uploads[0].response.body.errorCode).toBe(0);
			expect(out.items).toHaveLength(1);
			expect(out.items[0].json.errorCode).toBe(0);
			expect(out.items[0].json.mediaId).toBe(uploads[0].response.body.mediaId);
		},
		RUN_TIMEOUT,
	);

	test(
		'the credential test (n8n\'s REST API, as the credential dialog calls it): the sandbox credential passes, a wrong App Secret fails with the error code',
		async () => {
			const n8n = await startN8nServer(home);
			try {
				const test = async (/** @type {ReturnType<typeof buildCredential>} */ credentials) => {
					const r = /** @type {any} */ (await restRequest(home.port, 'POST', '/rest/credentials/test', { credentials }, n8n.cookie));
					printed.push(r.text);
					expect(r.status).toBe(200);
					return r.json.data;
				};
				const tokenCallsBefore = sb.stats.tokenCalls;
				expect(await test(cred)).toMatchObject({ status: 'OK' });
				const failed = await test(wrongSecretCred);
				expect(failed.status).toBe('Error');
				const lastTokenCall = sb.requests.filter((q) => q.endpoint === 'token').pop();
				expect(lastTokenCall.body.appSecret).toBe(WRONG_SECRET);
				expect(failed.message).toContain(String(lastTokenCall.response.body.errorCode));
				expect(failed.message).not.toContain(WRONG_SECRET);
				expect(sb.stats.tokenCalls).toBeGreaterThan(tokenCallsBefore);
				printed.push(n8n.output());
			} finally {
				await n8n.stop();
			}
		},
		RUN_TIMEOUT,
	);

	test('n8n never printed the app secret, the permanent code or a token', () => {
		const all = printed.join('\n');
		expect(all.length).toBeGreaterThan(0);
		expect(all).not.toContain(DEMO.appSecret);
		expect(all).not.toContain(DEMO.permanentCode);
		expect(all).not.toContain(WRONG_SECRET);
		for (const q of sb.requests.filter((x) => x.endpoint === 'token' && x.response?.body?.accessToken)) {
			expect(all).not.toContain(q.response.body.accessToken);
		}
	});
});
