'use strict';
/**
 * The Fxiaoke API credential used from n8n's own HTTP Request node ("Authentication: Predefined
 * Credential Type", "Credential Type: Fxiaoke API"), in a real n8n (2.41.1 or $N8N_E2E_VERSION) with
 * the packed package installed by hand. docs/http-request-node.md describes the same for users.
 *
 *   1. a credential whose token is still blank: n8n runs the credential's preAuthentication (the token
 *      call), persists the token, and the credential's `authenticate` adds the bearer token, x-fs-ea,
 *      x-fs-userid and a fresh UUID v4 thirdTraceId to the request;
 *   2. a later execution reuses the persisted token (no token call), one thirdTraceId per request;
 *   3. the limit: an expired token is reported by Fxiaoke as errorCode 20016 inside an HTTP 200 body,
 *      which n8n does not treat as an authentication failure — the HTTP Request node outputs the 20016
 *      body and the token is not refreshed. The Fxiaoke node on the same credential refreshes it (and
 *      n8n persists the new one), after which the HTTP Request node works again.
 *
 * The three executions of 3 run in ONE n8n process (`executeBatch --concurrency=1`, in that order):
 * each n8n CLI start costs ~5 s. That proves the same: n8n reads a credential from its database
 * for every execution (credentials-helper.js getCredentialsEntity → findOneByOrFail, no cache), so
 * the HTTP Request node after the refresh can only have the token n8n persisted; the Fxiaoke node
 * still starts from the persisted dead token (nothing of this process has seen a token before it).
 * Which request came from which execution is read from each node's own start and run time.
 *
 * Requires `npm run build` first (dist/).
 */

const { importCredentials, importWorkflow, executeWorkflowRaw, exportCredentials, getNodeOutput } = require('../support/n8n');
const { buildCredential, buildRevokeWorkflow, revokeItems, CREDENTIAL_TYPE, chainWorkflow, startWith, SPLIT_OUT } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf, pairedIndex, messageIds, UUID_V4 } = require('../support/items');
const { useE2e, throwIfFailed, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');
const { executeBatch, orderedBatchIds } = require('../support/e2e-kit');
const audit = require('../support/fault-audit');

/**
 * Manual Trigger → Set (raw JSON list) → Split Out → HTTP Request (POST {baseUrl}/cgi/app/message/revoke,
 * predefined credential type fxiaokeApi, JSON body built from the item).
 * @param {{ baseUrl: string, items: Array<{ serviceId: string, messageId: string }>, credential: { id: string, name: string }, name: string, id?: string }} opts
 */
function buildHttpRequestWorkflow({ baseUrl, items, credential, name, id }) {
	const httpRequest = {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${baseUrl}/cgi/app/message/revoke`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL_TYPE,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ serviceId: $json.serviceId, messageId: $json.messageId }) }}',
			options: {},
		},
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	return chainWorkflow({ id, name, nodes: [...startWith({ items }), SPLIT_OUT, httpRequest] });
}

describe(`the Fxiaoke API credential in n8n's HTTP Request node (n8n ${VERSION})`, () => {
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

	const ids1 = messageIds('h1', 1);
	const ids2 = messageIds('h2', 3);
	const ids3 = messageIds('h3', 1); // HTTP Request after the tokens expired (gets 20016)
	const ids4 = messageIds('h4', 1); // Fxiaoke node: refreshes the token
	const ids5 = messageIds('h5', 1); // HTTP Request again, with the refreshed token

	/** Executes a workflow (a failed execution throws): its run and the sandbox requests it caused. @param {{ id: string }} workflow */
	async function run(workflow) {
		const before = sb.requests.length;
		const r = await executeWorkflowRaw(home, workflow.id, { timeoutMs: RUN_TIMEOUT });
		printed.push(r.stdout, r.stderr);
		return { r: throwIfFailed(r), requests: sb.requests.slice(before) };
	}

	/** @param {any} q @param {any} tokenBody */
	function expectAuthenticated(q, tokenBody) {
		expect(q.headers.authorization).toBe(`Bearer ${tokenBody.accessToken}`);
		expect(q.headers['x-fs-ea']).toBe(String(tokenBody.ea));
		expect(q.headers['x-fs-userid']).toBe(String(DEMO.userId));
		expect(q.headers['content-type']).toMatch(/^application\/json/);
		expect(q.query.thirdTraceId).toMatch(UUID_V4);
		expect(q.thirdTraceIdStatus).toBe('ok');
	}

	// (keepEveryBody: a request refused with 20016 keeps its body too, to tell whose it was)
	useE2e({ version: VERSION, seed: [...ids1, ...ids2, ...ids3, ...ids4, ...ids5], beforeListen: audit.keepEveryBody }, async (e2e) => {
		({ sb, home } = e2e);
		const { baseUrl } = e2e;

		// imported without a token: accessToken, ea, tokenExpiresAt are blank
		cred = buildCredential({ baseUrl, app: DEMO, name: 'Fxiaoke sandbox' });
		await importCredentials(home, [cred]);
		const http = (/** @type {string[]} */ ids, /** @type {string} */ name, /** @type {string | undefined} */ id) =>
			buildHttpRequestWorkflow({ baseUrl, items: revokeItems(DEMO.serviceId, ids), credential: cred, name, id });
		// test 3's batch runs these three in this order (imported in this order, see orderedBatchIds)
		const [afterExpiryId, nodeId, afterRefreshId] = orderedBatchIds(3);
		wf.first = http(ids1, 'HTTP Request: revoke (blank token)');
		wf.second = http(ids2, 'HTTP Request: revoke 3 (persisted token)');
		wf.afterExpiry = http(ids3, 'HTTP Request: revoke after the token expired', afterExpiryId);
		wf.node = buildRevokeWorkflow({ id: nodeId, items: revokeItems(DEMO.serviceId, ids4), credential: cred, name: 'Fxiaoke node: revoke after expiry' });
		wf.afterRefresh = http(ids5, 'HTTP Request: revoke after the Fxiaoke node refreshed', afterRefreshId);
		await importWorkflow(home, Object.values(wf));
	});

	test(
		'blank token: preAuthentication fetches it, authenticate adds token, ea, user id and thirdTraceId',
		async () => {
			const before = await exportCredentials(home);
			expect(before.find((/** @type {any} */ c) => c.id === cred.id).data.accessToken || '').toBe('');

			const { r, requests } = await run(wf.first);
			expect(requests.map((q) => q.endpoint)).toEqual(['token', 'revoke']);
			const [tokenReq, revokeReq] = requests;
			expect(tokenReq.body).toMatchObject({ appId: DEMO.appId, grantType: 'app_secret' });
			const tokenBody = tokenReq.response.body;
			expect(tokenBody.errorCode).toBe(0);
			expectAuthenticated(revokeReq, tokenBody);
			expect(revokeReq.body).toEqual({ serviceId: DEMO.serviceId, messageId: ids1[0] });
			expect(revokeReq.response.body.errorCode).toBe(0);

			const out = getNodeOutput(r.run, 'HTTP Request');
			expect(out.items).toHaveLength(1);
			expect(out.items[0].json).toEqual(revokeReq.response.body); // the node outputs Fxiaoke's JSON answer
			expect(sb.messages.get(ids1[0])).toMatchObject({ revoked: true });

			const after = await exportCredentials(home);
			const data = after.find((/** @type {any} */ c) => c.id === cred.id).data;
			expect(data.accessToken).toBe(tokenBody.accessToken); // persisted by n8n
			expect(data.ea).toBe(String(tokenBody.ea));
		},
		RUN_TIMEOUT,
	);

	test(
		'a later execution reuses the persisted token, with a fresh thirdTraceId per request',
		async () => {
			const { r, requests } = await run(wf.second);
			expect(requests.filter((q) => q.endpoint === 'token')).toHaveLength(0);
			const revokes = requests.filter((q) => q.endpoint === 'revoke');
			expect(revokes).toHaveLength(ids2.length);
			const lastToken = sb.requests.filter((q) => q.endpoint === 'token').pop().response.body;
			for (const q of revokes) expectAuthenticated(q, lastToken);
			expect(new Set(revokes.map((q) => q.query.thirdTraceId)).size).toBe(ids2.length);

			const out = getNodeOutput(r.run, 'HTTP Request');
			expect(out.items).toHaveLength(ids2.length);
			out.items.forEach((item, i) => {
				expect(pairedIndex(item)).toBe(i);
				expect(fieldsOf(item).errorCode).toBe(0);
			});
			for (const id of ids2) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'limit: an expired token (20016 in an HTTP 200 body) is not refreshed by n8n; the Fxiaoke node refreshes it',
		async () => {
			sb.expireTokens();

			const before = sb.requests.length;
			const steps = [
				{ wf: wf.afterExpiry, node: 'HTTP Request', ids: ids3 },
				{ wf: wf.node, node: 'Revoke', ids: ids4 },
				{ wf: wf.afterRefresh, node: 'HTTP Request', ids: ids5 },
			];
			const batch = await executeBatch(home, steps.map((x) => x.wf.id), { concurrency: 1, timeoutMs: RUN_TIMEOUT });
			printed.push(batch.stdout, batch.stderr, batch.summaryText);
			if (batch.code !== 0 || steps.some((x) => !batch.runs[x.wf.id])) {
				throw new Error(`executeBatch failed (exit ${batch.code})\n${batch.summaryText.slice(0, 3000)}\n${batch.stderr.slice(-3000)}`);
			}
			// Every request of the batch belongs to exactly one of the three nodes: the one running
			// when it arrived (the executions ran one after the other, in this order).
			const all = sb.requests.slice(before);
			const outs = steps.map((x) => getNodeOutput(batch.runs[x.wf.id], x.node));
			const spans = outs.map((o) => [o.startTime, o.startTime + o.executionTime]);
			expect(spans.every(([start, end], i) => start <= end && (i === 0 || spans[i - 1][1] <= start))).toBe(true);
			const [afterExpiry, node, afterRefresh] = spans.map(([start, end]) => all.filter((q) => q.startedAt >= start && q.startedAt <= end));
			expect(afterExpiry.length + node.length + afterRefresh.length).toBe(all.length);
			steps.forEach((x, i) => {
				const mine = [afterExpiry, node, afterRefresh][i].filter((q) => q.endpoint === 'revoke');
				expect(mine.length).toBeGreaterThan(0);
				for (const q of mine) expect(audit.bodyOf(q)?.messageId).toBe(x.ids[0]);
			});

			// HTTP Request node: Fxiaoke answers 200 with errorCode 20016, n8n does not re-authenticate
			expect(afterExpiry.map((q) => q.endpoint)).toEqual(['revoke']);
			expect(afterExpiry[0].response.status).toBe(200);
			expect(afterExpiry[0].response.body.errorCode).toBe(20016);
			let out = outs[0];
			expect(out.items).toHaveLength(1);
			expect(fieldsOf(out.items[0]).errorCode).toBe(20016);
			expect(sb.messages.get(ids3[0])).toMatchObject({ revoked: false });

			// the Fxiaoke node on the same credential: refreshes once, retries, succeeds
			expect(node.filter((q) => q.endpoint === 'token')).toHaveLength(1);
			out = outs[1];
			expect(out.items).toHaveLength(1);
			expect(fieldsOf(out.items[0]).errorCode).toBe(0);
			expect(sb.messages.get(ids4[0])).toMatchObject({ revoked: true });
			const refreshed = node.find((q) => q.endpoint === 'token').response.body;

			// … and n8n persisted the new token, so the HTTP Request node works again without a token call
			expect(afterRefresh.map((q) => q.endpoint)).toEqual(['revoke']);
			expectAuthenticated(afterRefresh[0], refreshed);
			out = outs[2];
			expect(fieldsOf(out.items[0]).errorCode).toBe(0);
			expect(sb.messages.get(ids5[0])).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test('n8n never printed the app secret, the permanent code or a token', () => {
		const all = printed.join('\n');
		expect(all).not.toContain(DEMO.appSecret);
		expect(all).not.toContain(DEMO.permanentCode);
		for (const q of sb.requests.filter((x) => x.endpoint === 'token' && x.response?.body?.accessToken)) {
			expect(all).not.toContain(q.response.body.accessToken);
		}
	});
});
