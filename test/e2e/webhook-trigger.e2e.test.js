'use strict';
/**
 * Fxiaoke Webhook Trigger end to end: the packed package in a real n8n (2.41.1 by default, or
 * $N8N_E2E_VERSION), `n8n start` with a published workflow
 *   Fxiaoke Webhook Trigger (APL Function, Fetch Full Record) → Fxiaoke Send Text
 * whose text names the record and the event, so every execution is one send the sandbox records.
 * The Production URL opened in a browser (GET) gives the APL function with that URL in it and no
 * secret; with the secret filled in, the sandbox runs it (sandbox/apl.js: the request Fx.http.post
 * makes) for 100 lead changes, 10 of them twice, and with a wrong secret; a request without the
 * secret, a body that is not JSON and one too large are refused: exactly 100 executions, one per
 * change.
 *
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');
const http = require('node:http');

const { importCredentials, importWorkflow, publishWorkflows, startN8nServer } = require('../support/n8n');
const { buildCredential, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, n8nId } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { runAplFunction } = require('../../sandbox/apl');
const { useE2e, VERSION } = require('../support/e2e-fixture');

const TEST_TIMEOUT = 5 * 60 * 1000;
const WEBHOOK_TYPE = FXIAOKE_NODE_TYPE.replace(/fxiaoke$/, 'fxiaokeWebhookTrigger');
const SECRET = crypto.randomBytes(18).toString('base64');
const CHANGES = 100;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One request to n8n; the status and the body as text.
 * @param {number} port @param {string} method @param {string} path @param {Record<string, string>} headers @param {string} [body]
 * @returns {Promise<{ status: number, text: string }>}
 */
function request(port, method, path, headers, body) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

describe(`Fxiaoke Webhook Trigger in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	const workflowId = n8nId();
	const webhookId = crypto.randomUUID();

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, home } = e2e);
		const cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke pushes' });
		await importCredentials(home, [cred]);
		const credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		await importWorkflow(home, [
			{
				id: workflowId,
				name: 'Lead pushed → text',
				active: false,
				settings: { executionOrder: 'v1' },
				connections: { Pushed: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
				nodes: [
					{
						id: crypto.randomUUID(),
						name: 'Pushed',
						type: WEBHOOK_TYPE,
						typeVersion: 1,
						position: [0, 0],
						webhookId,
						parameters: { source: 'aplFunction', secret: SECRET, objects: 'LeadsObj' },
						credentials,
					},
					{
						id: crypto.randomUUID(),
						name: 'Send',
						type: FXIAOKE_NODE_TYPE,
						typeVersion: 1,
						position: [300, 0],
						parameters: { resource: 'message', operation: 'sendText', toUser: '1004', content: '={{ $json.recordId }} {{ $json.event }} {{ $json.record.name }}' },
						credentials,
					},
				],
			},
		]);
		await publishWorkflows(home, [workflowId]);
	});

	/** The texts sent by the workflow: one per execution. */
	const sent = () =>
		sb.requests.filter((r) => r.endpoint === 'send' && r.response?.body?.errorCode === 0 && r.body.toUser.includes('1004')).map((r) => r.body.text.content);

	test(
		'one pushed change reaches the workflow in seconds; 100 more start 100 executions: none for the 10 repeated, the 5 with a wrong secret, a body not JSON or too large; GET gives the APL function',
		async () => {
			const n8n = await startN8nServer(home);
			try {
				const path = `/webhook/${webhookId}/fxiaoke`;
				// the function to paste into Fxiaoke: this URL, the header, never the secret
				const setup = await request(home.port, 'GET', path, {});
				expect(setup.status).toBe(200);
				expect(setup.text).toMatch(new RegExp(`String url = "http://[^"]+${path}"`));
				expect(setup.text).toContain('"x-fxiaoke-secret": secret');
				expect(setup.text).toContain('Fx.http.post(url, headers, body)');
				expect(setup.text).not.toContain(SECRET);
				// pasted into Fxiaoke with the secret filled in; Fxiaoke runs it for each change
				const withSecret = (/** @type {string} */ secret) => setup.text.replace(/^String secret = .*$/m, `String secret = ${JSON.stringify(secret)}`);
				let slowest = 0;
				const push = async (/** @type {any} */ record, secret = SECRET) => {
					const started = Date.now();
					const result = await runAplFunction(withSecret(secret), record);
					slowest = Math.max(slowest, Date.now() - started);
					// (Fxiaoke's function gives up after a 5 s read timeout: every answer came before)
					expect(result).toMatchObject({ error: false, message: '' });
					return /** @type {{ statusCode: number }} */ (result);
				};

				const record = (/** @type {string} */ id) => ({ ...sb.crm.objects.get('LeadsObj').records.get(id) });
				// one change alone: from the push to the workflow's send (printed; bounded loosely, the machine is shared)
				const first = sb.crm.put('LeadsObj', { name: 'First' });
				const pushedAt = Date.now();
				expect((await push(record(first))).statusCode).toBe(200);
				while (sent().length === 0 && Date.now() - pushedAt < 30_000) await sleep(50);
				const latency = Date.now() - pushedAt;
				process.stderr.write(`[webhook] one pushed change reached the workflow's send in ${latency} ms\n`);
				expect(sent()).toEqual([`${first} created First`]);
				expect(latency).toBeLessThan(10_000);

				const ids = Array.from({ length: CHANGES }, (_, i) => sb.crm.put('LeadsObj', { name: `Pushed ${i}` }));
				const statuses = [];
				for (let start = 0; start < CHANGES; start += 10) {
					statuses.push(...(await Promise.all(ids.slice(start, start + 10).map(async (id) => (await push(record(id))).statusCode))));
				}
				expect(statuses).toEqual(Array(CHANGES).fill(200));
				// Fxiaoke retries, or an APL function run twice for one change: answered, nothing started
				const repeats = await Promise.all(ids.slice(0, 10).map(async (id) => (await push(record(id))).statusCode));
				expect(repeats).toEqual(Array(10).fill(200));
				// refused: a wrong or missing secret, a body that is not JSON, one too large, another object
				const refused = await Promise.all([
					push(record(ids[0]), 'wrong-secret-wrong-secret').then((r) => r.statusCode),
					push(record(ids[1]), SECRET.slice(1)).then((r) => r.statusCode),
					request(home.port, 'POST', path, { 'content-type': 'application/json' }, JSON.stringify({ objectApiName: 'LeadsObj', data: record(ids[2]) })).then((r) => r.status),
					request(home.port, 'POST', path, { 'content-type': 'text/plain', 'x-fxiaoke-secret': SECRET }, 'not json').then((r) => r.status),
					push({ ...record(ids[3]), remark: 'x'.repeat(1024 * 1024) }).then((r) => r.statusCode),
				]);
				expect(refused).toEqual([401, 401, 401, 400, 413]);
				process.stderr.write(`[webhook] the slowest answer to a push: ${slowest} ms\n`);
				const deadline = Date.now() + 120_000;
				while (sent().length < CHANGES + 1 && Date.now() < deadline) await sleep(500);
				await sleep(3000); // no late execution for the repeats
				expect(sent()).toHaveLength(CHANGES + 1);
				// each change once, read whole from Fxiaoke (Fetch Full Record), as a creation
				expect(sent().slice(1).sort()).toEqual(ids.map((id, i) => `${id} created Pushed ${i}`).sort());
				const gets = sb.requests.filter((r) => r.endpoint === 'crm.get');
				expect(gets).toHaveLength(CHANGES + 1);
				// nothing n8n printed holds the secret
				expect(n8n.output()).not.toContain(SECRET);
			} finally {
				await n8n.stop();
			}
		},
		TEST_TIMEOUT,
	);
});
