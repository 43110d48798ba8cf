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
 * change. Listen for Test Event (the editor's manual run) takes a push to the Test URL;
 * examples/lead-status-pushed.json tells a lead's owner its new status (pushed through the sandbox's
 * control endpoint, sandbox/push.js). Beside it, the experimental event callback: signed, encrypted
 * callbacks as Fxiaoke's demo sends them start one execution each (a retry none); a bad signature,
 * another key or a stale timestamp are refused; the answer is the encrypted "success" the demo
 * expects. Last, n8n restarts: repeats of changes taken before start nothing (static data).
 *
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const nodePath = require('node:path');

const { importCredentials, importWorkflow, publishWorkflows, restRequest, startN8nServer, REPO_ROOT } = require('../support/n8n');
const { bindWorkflowCredential, buildCredential, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, n8nId } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { runAplFunction } = require('../../sandbox/apl');
const { callbackBody, isSuccessAnswer, postCallback } = require('../../sandbox/callback');
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
	/** @type {string} */
	let sandboxUrl;
	const workflowId = n8nId();
	const webhookId = crypto.randomUUID();
	const callbackWorkflowId = n8nId();
	const callbackWebhookId = crypto.randomUUID();
	const AES_KEY = crypto.randomBytes(32).toString('base64');
	const example = JSON.parse(fs.readFileSync(nodePath.join(REPO_ROOT, 'examples', 'lead-status-pushed.json'), 'utf8'));
	const exampleHook = example.nodes.find((/** @type {any} */ n) => n.type.endsWith('.fxiaokeWebhookTrigger'));

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, home } = e2e);
		sandboxUrl = e2e.baseUrl;
		const cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke pushes' });
		await importCredentials(home, [cred]);
		const credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		/**
		 * Fxiaoke Webhook Trigger "Pushed" (`trigger` parameters) → Send Text to `toUser` naming the
		 * record and the event: one send per execution.
		 * @param {string} id @param {string} name @param {string} hookId @param {string} toUser @param {Record<string, unknown>} trigger
		 */
		const pushedToText = (id, name, hookId, toUser, trigger) => ({
			id,
			name,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { Pushed: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
			nodes: [
				{ id: crypto.randomUUID(), name: 'Pushed', type: WEBHOOK_TYPE, typeVersion: 1, position: [0, 0], webhookId: hookId, parameters: trigger, credentials },
				{
					id: crypto.randomUUID(),
					name: 'Send',
					type: FXIAOKE_NODE_TYPE,
					typeVersion: 1,
					position: [300, 0],
					parameters: { resource: 'message', operation: 'sendText', toUser, content: '={{ $json.recordId }} {{ $json.event }} {{ $json.record.name }}' },
					credentials,
				},
			],
		});
		await importWorkflow(home, [
			pushedToText(workflowId, 'Lead pushed → text', webhookId, '1004', { source: 'aplFunction', secret: SECRET, objects: 'LeadsObj' }),
			pushedToText(callbackWorkflowId, 'Account callback → text', callbackWebhookId, '1005', { source: 'eventCallback', aesKey: AES_KEY, objects: 'AccountObj' }),
		]);
		// the example, with a secret set as its sticky note says
		const exampleWithSecret = bindWorkflowCredential(example, cred);
		exampleWithSecret.nodes.find((/** @type {any} */ n) => n.name === exampleHook.name).parameters.secret = SECRET;
		await importWorkflow(home, [exampleWithSecret]);
		await publishWorkflows(home, [workflowId, callbackWorkflowId, example.id]);
	});

	/** The sandbox's control endpoint (sandbox/push.js): makes "Fxiaoke" push a record it holds. */
	const controlPush = async (/** @type {'apl' | 'callback'} */ kind, /** @type {Record<string, unknown>} */ body) => {
		const res = await fetch(`${sandboxUrl}/sandbox/push/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		expect(res.status).toBe(200);
		return res.json();
	};

	/** The texts sent to `toUser` (1004: the APL workflow, 1005: the callback one): one per execution. */
	const sentTo = (/** @type {string} */ toUser) =>
		sb.requests.filter((r) => r.endpoint === 'send' && r.response?.body?.errorCode === 0 && r.body.toUser.includes(toUser)).map((r) => r.body.text.content);
	const sent = () => sentTo('1004');

	test(
		'GET gives the APL function; Listen for Test Event takes a push to the Test URL; one push reaches the workflow in seconds; 100 more start 100 executions, none for 10 repeats, wrong or missing secrets, a body not JSON or too large; the example tells a lead\'s owner; event callbacks start one execution each; after a restart, repeats start nothing',
		async () => {
			let n8n = await startN8nServer(home);
			let printed = '';
			// n8n activates the published workflows just after it starts: their webhooks answer 404 until then
			const activated = async () => {
				for (const hook of [webhookId, callbackWebhookId, exampleHook.webhookId]) {
					for (const until = Date.now() + 60_000; (await request(home.port, 'GET', `/webhook/${hook}/fxiaoke`, {})).status === 404 && Date.now() < until; ) await sleep(250);
				}
			};
			try {
				const path = `/webhook/${webhookId}/fxiaoke`;
				await activated();
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

				// Listen for Test Event (the editor's button: a manual run of the trigger), then the function
				// pointed at the Test URL: the trigger's item comes out, the workflow's send does not run
				const listening = await restRequest(home.port, 'POST', `/rest/workflows/${workflowId}/run`, { triggerToStartFrom: { name: 'Pushed' }, destinationNode: { nodeName: 'Pushed', mode: 'inclusive' } }, n8n.cookie);
				expect({ status: listening.status, data: listening.json?.data }).toMatchObject({ status: 200, data: { waitingForWebhook: true } });
				const testLead = sb.crm.put('LeadsObj', { name: 'Test event' });
				const toTestUrl = withSecret(SECRET).replace(`${path}"`, `${path.replace('/webhook/', '/webhook-test/')}"`);
				expect(await runAplFunction(toTestUrl, record(testLead))).toMatchObject({ error: false, statusCode: 200 });
				const flatted = require(nodePath.join(home.n8n.dir, 'node_modules', 'flatted'));
				/** @type {any} */
				let testItems;
				for (const until = Date.now() + 30_000; testItems === undefined && Date.now() < until; await sleep(250)) {
					const list = await restRequest(home.port, 'GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`, undefined, n8n.cookie);
					const done = (list.json?.data?.results ?? []).find((/** @type {any} */ e) => e.status === 'success');
					if (done) {
						const got = await restRequest(home.port, 'GET', `/rest/executions/${done.id}`, undefined, n8n.cookie);
						testItems = flatted.parse(got.json.data.data).resultData.runData.Pushed?.[0]?.data?.main?.[0];
					}
				}
				expect(testItems.map((/** @type {any} */ i) => i.json)).toEqual([
					expect.objectContaining({ objectApiName: 'LeadsObj', recordId: testLead, event: 'created', source: 'aplFunction', record: expect.objectContaining({ _id: testLead, name: 'Test event' }) }),
				]);
				expect(sent()).toEqual([]);
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
				expect(gets).toHaveLength(CHANGES + 2); // and the test event's
				// the event callback (experimental): three accounts changed, one callback retried
				const callbackUrl = `http://127.0.0.1:${home.port}/webhook/${callbackWebhookId}/fxiaoke`;
				const accounts = ['North', 'South', 'East'].map((name) => sb.crm.put('AccountObj', { name }));
				// (through the sandbox's control endpoint, as a person trying the package would: one attempt each, answered with the encrypted success)
				const answers = await Promise.all(accounts.map((recordId) => controlPush('callback', { objectApiName: 'AccountObj', recordId, url: callbackUrl, aesKey: AES_KEY })));
				expect(answers.map((a) => a.attempts)).toEqual(Array(3).fill([{ retryTimes: 0, status: 200, success: true }]));
				const bodies = accounts.map((dataId) => callbackBody(AES_KEY, { apiName: 'AccountObj', dataId, eventType: 'update' }));
				const retry = callbackBody(AES_KEY, { apiName: 'AccountObj', dataId: accounts[0], eventType: 'update', messageId: answers[0].messageId }, { retryTimes: 1 });
				const retried = await postCallback(callbackUrl, retry);
				expect(retried.status).toBe(200);
				expect(isSuccessAnswer(retried.json, AES_KEY)).toBe(true);
				const otherKey = crypto.randomBytes(32).toString('base64');
				const rejected = await Promise.all([
					postCallback(callbackUrl, { ...bodies[1], signature: '0'.repeat(40) }),
					postCallback(callbackUrl, callbackBody(otherKey, { apiName: 'AccountObj', dataId: accounts[1] })),
					postCallback(callbackUrl, callbackBody(AES_KEY, { apiName: 'AccountObj', dataId: accounts[1] }, { timestamp: Date.now() - 10 * 60_000 })),
				]);
				expect(rejected.map((r) => r.status)).toEqual([401, 401, 401]);
				const until = Date.now() + 60_000;
				while (sentTo('1005').length < 3 && Date.now() < until) await sleep(500);
				await sleep(3000);
				expect(sentTo('1005').sort()).toEqual(accounts.map((id, i) => `${id} updated ${['North', 'South', 'East'][i]}`).sort());
				// examples/lead-status-pushed.json: a lead's status changes, its owner is told
				const exampleUrl = `http://127.0.0.1:${home.port}/webhook/${exampleHook.webhookId}/fxiaoke`;
				const lead = sb.crm.put('LeadsObj', { name: 'Status lead', leads_status: '1' });
				const anHourAgo = Date.now() - 3600_000;
				Object.assign(sb.crm.objects.get('LeadsObj').records.get(lead), { create_time: anHourAgo, last_modified_time: anHourAgo });
				sb.crm.change('LeadsObj', lead, { leads_status: '3' });
				expect(await controlPush('apl', { objectApiName: 'LeadsObj', recordId: lead, functionUrl: exampleUrl, secret: SECRET })).toMatchObject({ error: false, statusCode: 200 });
				const told = () => sentTo('1000').filter((t) => t.startsWith('Status lead'));
				const by = Date.now() + 30_000;
				while (told().length === 0 && Date.now() < by) await sleep(250);
				expect(told()).toEqual(["Status lead: the lead's status is now 3"]);
				// n8n restarts: Fxiaoke's retries of changes taken before start nothing (the newest keys are
				// in the workflow's static data), a new change starts one execution
				printed += n8n.output();
				await n8n.stop();
				n8n = await startN8nServer(home, { setupOwner: false });
				await activated();
				const retriedAfterRestart = await Promise.all(ids.slice(-10).map(async (id) => (await push(record(id))).statusCode));
				expect(retriedAfterRestart).toEqual(Array(10).fill(200));
				const afterRestart = sb.crm.put('LeadsObj', { name: 'After restart' });
				expect((await push(record(afterRestart))).statusCode).toBe(200);
				for (const until = Date.now() + 30_000; sent().length < CHANGES + 2 && Date.now() < until; ) await sleep(250);
				await sleep(3000);
				expect(sent()).toHaveLength(CHANGES + 2);
				expect(sent().at(-1)).toBe(`${afterRestart} created After restart`);
				// nothing n8n printed holds the secret or the key
				printed += n8n.output();
				expect(printed).not.toContain(SECRET);
				expect(printed).not.toContain(AES_KEY);
			} finally {
				await n8n.stop();
			}
		},
		TEST_TIMEOUT,
	);
});
