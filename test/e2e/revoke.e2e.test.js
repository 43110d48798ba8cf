'use strict';
/**
 * End to end: the packed package, installed by hand into a real n8n (2.41.1 by default, or
 * $N8N_E2E_VERSION), revokes messages on the local Fxiaoke sandbox.
 *
 * The first run on a machine installs Node 24 + n8n into ~/.cache/n8n-nodes-fxiaoke (minutes);
 * later runs take about a minute. Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');

const { importCredentials, importWorkflow, executeWorkflowRaw, exportCredentials, getNodeOutput } = require('../support/n8n');
const { buildCredential, buildRevokeWorkflow, revokeItems, n8nId } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf, pairedIndex, messageIds, UUID_V4, header } = require('../support/items');
const { useE2e, throwIfFailed, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');

/** @param {any} r */
function traceIdOf(r) {
	return r.query?.thirdTraceId;
}

describe(`Fxiaoke message revoke in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {ReturnType<typeof buildCredential>} */
	let cred;
	/** everything n8n printed, to look for leaked secrets */
	/** @type {string[]} */
	const printed = [];

	/** Executes a workflow: its run and the sandbox requests it caused. @param {{ id: string }} workflow @param {NodeJS.ProcessEnv} [env] */
	async function run(workflow, env) {
		const before = sb.requests.length;
		const r = await executeWorkflowRaw(home, workflow.id, { timeoutMs: RUN_TIMEOUT, env });
		printed.push(r.stdout, r.stderr);
		return { r, requests: sb.requests.slice(before) };
	}

	// Fixtures for every test, imported up front: each n8n CLI call boots n8n (seconds).
	const ids1 = messageIds('m1', 100);
	const ids2 = messageIds('m2', 100);
	const known3 = messageIds('m3', 8);
	const unknownAt3 = new Set([1, 4, 9]);
	/** @type {string[]} */
	const ids3 = [];
	for (let i = 0, k = 0; i < 11; i++) ids3.push(unknownAt3.has(i) ? `unknown-${crypto.randomUUID()}` : known3[k++]);
	const ids4 = messageIds('m4', 3);
	const ids5 = messageIds('m5', 3);
	const known6 = messageIds('m6', 4);
	const ids6 = [known6[0], `unknown-${crypto.randomUUID()}`, known6[1], known6[2], `unknown-${crypto.randomUUID()}`, known6[3]];
	const ids7 = messageIds('m7', 50);
	const known8 = messageIds('m8', 2);
	const known9 = messageIds('m9', 2);
	const AUTO_MAP = { dataMode: 'autoMapInputData', serviceIdField: 'sa', messageIdField: 'mid' };
	/** Runs of 50 and 100 items: a Rate Limit above them, so that no test here waits for Fxiaoke's 100 per 20 s. */
	const UNPACED = { options: { rateLimit: 1000 } };
	/** Items with the ids under the field names AUTO_MAP gives. @param {string[]} ids */
	const mappedItems = (ids) => ids.map((mid) => ({ sa: DEMO.serviceId, mid, note: 'not sent' }));
	const wrongSecret = `wrong-secret-${crypto.randomBytes(8).toString('hex')}`;
	/** @type {Record<string, any>} */
	const wf = {};

	useE2e({ version: VERSION, seed: [...ids1, ...ids2, ...known3, ...ids4, ...ids5, ...known6, ...ids7, ...known8, ...known9] }, async (e2e) => {
		({ sb, home } = e2e);
		const { baseUrl } = e2e;

		cred = buildCredential({ baseUrl, app: DEMO, name: 'Fxiaoke sandbox' });
		const bad = buildCredential({ baseUrl, app: { ...DEMO, appSecret: wrongSecret }, id: n8nId(), name: 'Fxiaoke wrong secret' });
		await importCredentials(home, [cred, bad]);

		wf.first = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, ids1), credential: cred, revokeParameters: UNPACED, name: 'Revoke 100 (1)' });
		wf.second = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, ids2), credential: cred, revokeParameters: UNPACED, name: 'Revoke 100 (2)' });
		wf.continueOnFail = buildRevokeWorkflow({
			items: revokeItems(DEMO.serviceId, ids3),
			credential: cred,
			continueOnFail: true,
			name: 'Revoke with unknown ids',
		});
		wf.errorOutput = buildRevokeWorkflow({
			items: revokeItems(DEMO.serviceId, ids6),
			credential: cred,
			onError: 'continueErrorOutput',
			name: 'Revoke with unknown ids, error output',
		});
		wf.badSecret = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, ids4), credential: bad, name: 'Revoke with bad secret' });
		wf.ssrf = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, ids5), credential: cred, name: 'Revoke behind SSRF protection' });
		wf.autoMap = buildRevokeWorkflow({ items: mappedItems(ids7), credential: cred, revokeParameters: { ...AUTO_MAP, ...UNPACED }, name: 'Revoke, Map Automatically' });
		const badItems = [...mappedItems([known8[0]]), { sa: DEMO.serviceId }, { sa: DEMO.serviceId, mid: { id: 1 } }, ...mappedItems([known8[1]])];
		wf.autoMapBad = buildRevokeWorkflow({ items: badItems, credential: cred, revokeParameters: AUTO_MAP, continueOnFail: true, name: 'Revoke, Map Automatically, bad items' });
		wf.autoMapStop = buildRevokeWorkflow({ items: badItems, credential: cred, revokeParameters: AUTO_MAP, name: 'Revoke, Map Automatically, bad item stops' });
		// Each message twice, one item at a time: the second revoke of each is answered 90003.
		wf.twice = buildRevokeWorkflow({ items: revokeItems(DEMO.serviceId, [...known9, ...known9]), credential: cred, revokeParameters: { options: { concurrency: 1 } }, name: 'Revoke twice' });
		wf.twiceAsError = buildRevokeWorkflow({
			items: revokeItems(DEMO.serviceId, [known9[0]]),
			credential: cred,
			revokeParameters: { options: { alreadyRevoked: 'error' } },
			continueOnFail: true,
			name: 'Revoke again, Already Revoked: Treat as Error',
		});
		await importWorkflow(home, Object.values(wf));
	});

	test(
		'revokes 100 messages with one token call, one request per item',
		async () => {
			const ids = ids1;
			const tokenCallsBefore = sb.stats.tokenCalls;
			const { r, requests } = await run(wf.first);
			throwIfFailed(r);

			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.error).toBeUndefined();
			expect(out.items).toHaveLength(100);
			expect(typeof out.executionTime).toBe('number');
			if (process.env.DEBUG_E2E) process.stderr.write(`[e2e] Revoke node: 100 items in ${out.executionTime} ms (n8n execute ${r.durationMs} ms)\n`);

			const tokenReqs = requests.filter((q) => q.endpoint === 'token');
			const revokeReqs = requests.filter((q) => q.endpoint === 'revoke');
			expect(sb.stats.tokenCalls - tokenCallsBefore).toBe(1);
			expect(tokenReqs).toHaveLength(1);
			expect(revokeReqs).toHaveLength(100);
			expect(requests).toHaveLength(101);

			const tokenBody = tokenReqs[0].response.body;
			expect(tokenBody.errorCode).toBe(0);
			expect(tokenReqs[0].body).toMatchObject({
				appId: DEMO.appId,
				appSecret: DEMO.appSecret,
				permanentCode: DEMO.permanentCode,
				grantType: 'app_secret',
			});
			expect(traceIdOf(tokenReqs[0])).toMatch(UUID_V4);

			const traceIds = new Set();
			/** @type {Map<string, any>} */
			const byMessage = new Map();
			for (const q of revokeReqs) {
				const t = traceIdOf(q);
				expect(t).toMatch(UUID_V4);
				expect(q.thirdTraceIdStatus).toBe('ok'); // the sandbox saw no reuse
				traceIds.add(t);
				expect(header(q, 'authorization')).toBe(`Bearer ${tokenBody.accessToken}`);
				expect(header(q, 'x-fs-ea')).toBe(String(tokenBody.ea ?? DEMO.ea));
				expect(header(q, 'x-fs-userid')).toBe(String(DEMO.userId));
				expect(q.body).toEqual({ serviceId: DEMO.serviceId, messageId: q.body.messageId });
				expect(Object.keys(q.body).sort()).toEqual(['messageId', 'serviceId']);
				expect(q.response.body.errorCode).toBe(0);
				byMessage.set(q.body.messageId, q);
			}
			expect(traceIds.size).toBe(100);
			expect([...byMessage.keys()].sort()).toEqual([...ids].sort());

			out.items.forEach((item, i) => {
				expect(fieldsOf(item).errorCode).toBe(0);
				expect(item.json).toMatchObject({ serviceId: DEMO.serviceId, messageId: ids[i], alreadyRevoked: false });
				expect(typeof fieldsOf(item).traceId).toBe('string');
				expect(fieldsOf(item).traceId.length).toBeGreaterThan(0);
				expect(item.json).not.toHaveProperty('accessToken');
				expect(pairedIndex(item)).toBe(i);
				// the item paired with input i came from the request for message i
				expect(fieldsOf(item).traceId).toBe(byMessage.get(ids[i]).response.body.traceId);
			});
			for (const id of ids) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'a second execution reuses the token n8n persisted in the credential',
		async () => {
			const tokenCallsBefore = sb.stats.tokenCalls;
			const { r, requests } = await run(wf.second);
			throwIfFailed(r);

			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.items).toHaveLength(100);
			for (const item of out.items) expect(fieldsOf(item).errorCode).toBe(0);
			for (const id of ids2) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
			expect(sb.stats.tokenCalls).toBe(tokenCallsBefore);
			expect(requests.filter((q) => q.endpoint === 'token')).toHaveLength(0);
			expect(requests.filter((q) => q.endpoint === 'revoke')).toHaveLength(100);

			const exported = await exportCredentials(home);
			const mine = exported.find((c) => c.id === cred.id);
			expect(mine).toBeDefined();
			expect(typeof mine.data.accessToken).toBe('string');
			expect(mine.data.accessToken.length).toBeGreaterThan(0);
			const lastToken = sb.requests.filter((q) => q.endpoint === 'token').pop();
			expect(mine.data.accessToken).toBe(lastToken.response.body.accessToken);
		},
		RUN_TIMEOUT,
	);

	test(
		'Continue On Fail: one output item per input, errors carry errorCode and traceId',
		async () => {
			const ids = ids3;
			const unknownAt = unknownAt3;
			const { r, requests } = await run(wf.continueOnFail);
			throwIfFailed(r);
			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.items).toHaveLength(ids.length);

			const revokeReqs = requests.filter((q) => q.endpoint === 'revoke');
			/** @type {Map<string, any>} */
			const byMessage = new Map(revokeReqs.map((q) => [q.body.messageId, q]));
			out.items.forEach((item, i) => {
				expect(pairedIndex(item)).toBe(i);
				const q = byMessage.get(ids[i]);
				expect(q).toBeDefined();
				if (unknownAt.has(i)) {
					expect(q.response.body.errorCode).not.toBe(0);
					expect(Object.keys(item.json.details).sort()).toEqual(['description', 'errorCode', 'errorDescription', 'errorMessage', 'traceId']);
					expect(fieldsOf(item).errorCode).toBe(q.response.body.errorCode);
					expect(item.json.error).toMatch(/^Fxiaoke \/cgi\/app\/message\/revoke: Fxiaoke error 90001: /);
					expect(item.json.error.endsWith(`, for serviceId "${DEMO.serviceId}" and messageId "${ids[i]}" in item ${i}`)).toBe(true);
					expect(fieldsOf(item).traceId).toBeTruthy();
					expect(fieldsOf(item).traceId).toBe(q.response.body.traceId);
				} else {
					expect(fieldsOf(item).errorCode).toBe(0);
					expect(fieldsOf(item).traceId).toBe(q.response.body.traceId);
					expect(item.json).not.toHaveProperty('error');
				}
			});
			for (const id of known3) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'"On Error: Continue (using error output)": failed items go to the error output with the same fields as in the regular output',
		async () => {
			const { r } = await run(wf.errorOutput);
			throwIfFailed(r);
			const ok = getNodeOutput(r.run, 'Revoke', { output: 0 }).items;
			const failed = getNodeOutput(r.run, 'Revoke', { output: 1 }).items;
			const unknownAt = ids6.map((id, i) => (id.startsWith('unknown-') ? i : -1)).filter((i) => i >= 0);
			expect(ok.map(pairedIndex)).toEqual(ids6.map((_, i) => i).filter((i) => !unknownAt.includes(i)));
			expect(failed.map(pairedIndex)).toEqual(unknownAt);
			for (const item of ok) expect(fieldsOf(item).errorCode).toBe(0);
			for (const item of failed) {
				// n8n adds the input item's fields to an error-output item; the node's own are those of the regular output.
				const own = Object.keys(item.json).filter((k) => !['serviceId', 'messageId'].includes(k)).sort();
				expect(own).toEqual(['details', 'error']);
				expect(typeof item.json.error).toBe('string');
				expect(Object.keys(item.json.details).sort()).toEqual(['description', 'errorCode', 'errorDescription', 'errorMessage', 'traceId']);
				expect(item.json.details.errorCode).toBe(90001);
				expect(item.json.details.traceId).toBeTruthy();
			}
		},
		RUN_TIMEOUT,
	);

	test(
		'a wrong appSecret fails the execution with the errorCode and never prints the secret',
		async () => {
			const { r, requests } = await run(wf.badSecret);
			expect(r.ok).toBe(false);
			expect(r.code).not.toBe(0);

			const tokenReqs = requests.filter((q) => q.endpoint === 'token');
			expect(tokenReqs.length).toBeGreaterThanOrEqual(1);
			const code = tokenReqs[0].response.body.errorCode;
			expect(code).not.toBe(0);
			expect(requests.filter((q) => q.endpoint === 'revoke')).toHaveLength(0);
			expect(r.errorMessage).toContain(String(code));

			const all = `${r.stdout}\n${r.stderr}`;
			expect(all).not.toContain(wrongSecret);
			expect(all).not.toContain(DEMO.permanentCode);
			for (const id of ids4) expect(sb.messages.get(id)).toMatchObject({ revoked: false });
		},
		RUN_TIMEOUT,
	);

	test(
		"n8n's SSRF protection refuses the sandbox's loopback address: n8n's message, nothing sent, not retried",
		async () => {
			const { r, requests } = await run(wf.ssrf, { N8N_SSRF_PROTECTION_ENABLED: 'true' });
			expect(r.ok).toBe(false);
			expect(r.errorMessage).toMatch(/restricted IP address/);
			expect(r.errorMessage).not.toMatch(/may have been/);
			expect(requests).toHaveLength(0);
			for (const id of ids5) expect(sb.messages.get(id)).toMatchObject({ revoked: false });
		},
		RUN_TIMEOUT,
	);

	test(
		'Map Automatically: 50 revokes with the ids taken from the input fields, nothing else sent',
		async () => {
			const { r, requests } = await run(wf.autoMap);
			throwIfFailed(r);
			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.items).toHaveLength(50);
			out.items.forEach((item, i) => {
				expect(pairedIndex(item)).toBe(i);
				expect(fieldsOf(item).errorCode).toBe(0);
			});
			const revokeReqs = requests.filter((q) => q.endpoint === 'revoke');
			expect(revokeReqs.map((q) => q.body.messageId).sort()).toEqual([...ids7].sort());
			for (const q of revokeReqs) expect(q.body).toEqual({ serviceId: DEMO.serviceId, messageId: q.body.messageId });
			for (const id of ids7) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'Map Automatically, bad fields: without Continue On Fail nothing is sent and the error names the field and the item; with it, one error item each',
		async () => {
			const stopped = await run(wf.autoMapStop);
			expect(stopped.r.ok).toBe(false);
			expect(stopped.r.errorMessage).toContain('Message ID (mid) of the input item is missing in item 1');
			expect(stopped.requests.filter((q) => q.endpoint === 'revoke')).toHaveLength(0);

			const { r, requests } = await run(wf.autoMapBad);
			throwIfFailed(r);
			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.items.map(pairedIndex)).toEqual([0, 1, 2, 3]);
			expect(out.items[1].json.error).toBe('Message ID (mid) of the input item is missing in item 1');
			expect(out.items[2].json.error).toBe('Message ID (mid) of the input item must be a string or a number, not an object, in item 2');
			expect(fieldsOf(out.items[0]).errorCode).toBe(0);
			expect(fieldsOf(out.items[3]).errorCode).toBe(0);
			expect(requests.filter((q) => q.endpoint === 'revoke').map((q) => q.body.messageId).sort()).toEqual([...known8].sort());
		},
		RUN_TIMEOUT,
	);

	test(
		'Already Revoked: a second revoke is a success (errorCode 0) with alreadyRevoked: true by default, an error item with 90003 when Treat as Error',
		async () => {
			const { r, requests } = await run(wf.twice);
			throwIfFailed(r);
			const out = getNodeOutput(r.run, 'Revoke');
			const answers = requests.filter((q) => q.endpoint === 'revoke').map((q) => q.response.body);
			expect(answers.map((a) => a.errorCode)).toEqual([0, 0, 90003, 90003]);
			expect(out.items.map(pairedIndex)).toEqual([0, 1, 2, 3]);
			expect(out.items.map((item) => item.json)).toEqual(
				[...known9, ...known9].map((messageId, i) => ({ ...answers[i], errorCode: 0, serviceId: DEMO.serviceId, messageId, alreadyRevoked: i >= 2 })),
			);
			for (const id of known9) expect(sb.messages.get(id)).toMatchObject({ revoked: true, revokedCount: 1 });

			const strict = await run(wf.twiceAsError);
			throwIfFailed(strict.r);
			const [item] = getNodeOutput(strict.r.run, 'Revoke').items;
			const [answer] = strict.requests.filter((q) => q.endpoint === 'revoke').map((q) => q.response.body);
			expect(item.json.error).toMatch(/^Fxiaoke \/cgi\/app\/message\/revoke: Fxiaoke error 90003: /);
			expect(item.json.error.endsWith(`, for serviceId "${DEMO.serviceId}" and messageId "${known9[0]}" in item 0`)).toBe(true);
			expect(fieldsOf(item)).toMatchObject({ errorCode: 90003, traceId: answer.traceId });
			expect(item.json.details.description).toMatch(/Already Revoked → Treat as Success/);
		},
		RUN_TIMEOUT,
	);

	test('n8n never printed the app secret, the permanent code or a token', () => {
		const all = printed.join('\n');
		expect(all).not.toContain(DEMO.appSecret);
		expect(all).not.toContain(DEMO.permanentCode);
		const tokens = sb.requests
			.filter((q) => q.endpoint === 'token' && q.response?.body?.accessToken)
			.map((q) => q.response.body.accessToken);
		for (const t of tokens) expect(all).not.toContain(t);
	});
});
