'use strict';
/**
 * Fxiaoke Trigger end to end: the packed package in a real n8n (2.41.1 by default, or
 * $N8N_E2E_VERSION), `n8n start` with a published workflow
 *   Fxiaoke Trigger (AccountObj, Record Created or Updated, every minute) → Fxiaoke Send Text
 * whose text names the record and its version, so every event is one send the sandbox records.
 * Records are created and changed in the sandbox while n8n polls; n8n is stopped and started again
 * between two polls. Each change must be sent exactly once: none lost, none repeated, no old record.
 * Beside it runs examples/account-level-message.json: an account becomes a key account (announced),
 * then goes back while n8n is stopped (revoked after the restart, its remark cleared); a Record Created trigger with a
 * filter on contacts (only new ones whose name contains "keep", each once, never a change; one
 * whose create_time a client set a day ahead does not hide those created after it); a backlog of
 * 100 new opportunities with Max Changes per Poll 40 (40, 40, 20 over three polls, across the
 * restart, each once); and a trigger in a workflow whose ID is too long for n8n to keep its state,
 * which refuses to poll. An account last changed days before activation whose unwatched field
 * changes is never announced (the example watches account_level only). Approvals: a large
 * opportunity's approval flow starts; Approval Task Waiting for Me (as employee 1000) → Fxiaoke
 * Approval → Approve its task by ID; the second step is approved as 1002; Approval Changed (Passed)
 * → Send Text announces it: each once.
 * n8n polls at most once a minute, so this takes about four minutes (npm test runs it beside others).
 *
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { importCredentials, importWorkflow, publishWorkflows, restRequest, startN8nServer, REPO_ROOT } = require('../support/n8n');
const { buildCredential, bindWorkflowCredential, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, n8nId } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { useE2e, VERSION } = require('../support/e2e-fixture');

const TEST_TIMEOUT = 9 * 60 * 1000;
const TRIGGER_TYPE = FXIAOKE_NODE_TYPE.replace(/fxiaoke$/, 'fxiaokeTrigger');

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`Fxiaoke Trigger in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	const workflowId = n8nId();
	const createdId = n8nId();
	const backlogId = n8nId();
	/** 22 characters: n8n 2.41 saves static data only for IDs of at most 21 (isWorkflowIdValid). */
	const longId = `${n8nId()}longID`;
	const waitingId = n8nId();
	const passedId = n8nId();
	/** @type {{ stop: () => Promise<void>, output: () => string } | undefined} */
	let n8n;

	const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'account-level-message.json'), 'utf8'));

	useE2e({ version: VERSION, sandbox: { returnMessageId: true }, logLevel: process.env.E2E_LOG_LEVEL }, async (e2e) => {
		({ sb, home } = e2e);
		const cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke trigger' });
		await importCredentials(home, [cred]);
		const credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		await importWorkflow(home, [
			triggerToText(workflowId, 'Lead changes → text', credentials, { toUser: '1000', content: '={{ $json._id }} v{{ $json.version }} {{ $json.name }}' }, {
				objectApiName: { __rl: true, mode: 'id', value: 'LeadsObj' },
				event: 'createdOrUpdated',
			}),
			bindWorkflowCredential(example, cred),
			triggerToText(createdId, 'New contacts → text', credentials, { toUser: '1001' }, {
				objectApiName: { __rl: true, mode: 'id', value: 'ContactObj' },
				event: 'created',
				filters: { conditions: [{ field: 'name', operator: 'LIKE', value: 'keep' }] },
			}),
			triggerToText(backlogId, 'New opportunities → text (40 per poll)', credentials, { toUser: '1003' }, {
				objectApiName: { __rl: true, mode: 'id', value: 'NewOpportunityObj' },
				event: 'created',
				options: { maxChangesPerPoll: 40 },
			}),
			triggerToText(longId, 'Tickets → text (ID too long)', credentials, { toUser: '1002' }, {
				objectApiName: { __rl: true, mode: 'id', value: 'object_ticket__c' },
				event: 'createdOrUpdated',
			}),
			triggerTo(waitingId, 'My approval tasks → approve', credentials, { resource: 'approval', operation: 'approve', taskFrom: 'id', taskId: '={{ $json._id }}', opinion: 'Approved by n8n' }, { event: 'approvalTaskWaiting' }),
			triggerToText(passedId, 'Approvals passed → text', credentials, { toUser: '1004', content: '={{ $json.object_data_id }} {{ $json.state }}' }, { event: 'approvalChanged', approvalStates: ['pass'] }),
		]);
		await publishWorkflows(home, [workflowId, example.id, createdId, backlogId, longId, waitingId, passedId]);
	});

	/**
	 * Fxiaoke Trigger (every minute, `trigger` parameters) → Send Text `content` (default "<_id> <name>") to `toUser`.
	 * @param {string} id @param {string} name @param {Record<string, unknown>} credentials
	 * @param {{ toUser: string, content?: string }} send @param {Record<string, unknown>} trigger
	 */
	function triggerToText(id, name, credentials, { toUser, content = '={{ $json._id }} {{ $json.name }}' }, trigger) {
		return triggerTo(id, name, credentials, { resource: 'message', operation: 'sendText', toUser, content }, trigger);
	}

	/**
	 * Fxiaoke Trigger (every minute, `trigger` parameters) → the Fxiaoke node with `parameters`.
	 * @param {string} id @param {string} name @param {Record<string, unknown>} credentials
	 * @param {Record<string, unknown>} parameters @param {Record<string, unknown>} trigger
	 */
	function triggerTo(id, name, credentials, parameters, trigger) {
		return {
			id,
			name,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { Trigger: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
			nodes: [
				{ id: crypto.randomUUID(), name: 'Trigger', type: TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, simplify: false, ...trigger }, credentials },
				{
					id: crypto.randomUUID(),
					name: 'Send',
					type: FXIAOKE_NODE_TYPE,
					typeVersion: 1,
					position: [300, 0],
					parameters,
					credentials,
				},
			],
		};
	}

	/** The texts sent to `toUser` so far, as their first two words: one per event. */
	const sentTo = (toUser) =>
		sb.requests
			.filter((r) => r.endpoint === 'send' && r.response?.body?.errorCode === 0 && r.body.toUser.includes(toUser))
			.map((r) => r.body.text.content.split(' ').slice(0, 2).join(' '));
	/** The lead workflow's sends, as "id vN". */
	const sent = () => sentTo('1000');
	/** The Record Created workflow's sends, as "id name". */
	const contactsSent = () => sentTo('1001');
	/** The backlog workflow's sends, as "id name". */
	const opportunitiesSent = () => sentTo('1003');
	/** Polls so far of the workflow on `apiName` (each poll describes its object once). */
	const pollsOf = (apiName) => sb.requests.filter((r) => r.endpoint === 'crm.describe' && r.body?.data?.apiName === apiName).length;
	const appSends = () => sb.requests.filter((r) => r.endpoint === 'appSend' && r.response?.body?.errorCode === 0);
	const revokes = () => sb.requests.filter((r) => r.endpoint === 'revoke' && r.response?.body?.errorCode === 0);
	const account = (id) => sb.crm.objects.get('AccountObj').records.get(id);
	/**
	 * Waits until both workflows (each polls at its own second of the minute) have polled `n` more
	 * times (`fromStart`: n times since n8n first started), and their executions have acted.
	 */
	async function waitPolls(n, fromStart = false) {
		const objects = ['LeadsObj', 'AccountObj', 'ContactObj', 'NewOpportunityObj', 'ApprovalInstanceObj', 'ApprovalTaskObj'];
		const from = objects.map((o) => (fromStart ? 0 : pollsOf(o)));
		const limitS = n * 65 + 30;
		const deadline = Date.now() + limitS * 1000;
		while (objects.some((o, i) => pollsOf(o) < from[i] + n)) {
			if (Date.now() > deadline) {
				const seen = objects.map((o, i) => `${o} ${pollsOf(o) - from[i]}`).join(', ');
				throw new Error(`in ${limitS} s n8n polled ${seen} times, expected ${n}; n8n printed:\n${n8n?.output().slice(-4000)}`);
			}
			await sleep(500);
		}
		await sleep(8000); // the executions that follow the polls
	}
	const key = (id) => `${id} v${sb.crm.objects.get('LeadsObj').records.get(id).version}`;

	test(
		'every record created or changed is acted on once, across a restart of n8n; older records never; the example announces and revokes; Record Created with a filter; a workflow ID too long refuses to poll',
		async () => {
			const old = [sb.crm.put('LeadsObj', { name: 'Before activation 1' }), sb.crm.put('LeadsObj', { name: 'Before activation 2' })];
			const acme = sb.crm.put('AccountObj', { name: 'Acme', account_level: '2' });
			// created an hour ago: its level change below is an update, not part of its creation
			const anHourAgo = Date.now() - 3600 * 1000;
			Object.assign(account(acme), { create_time: anHourAgo, last_modified_time: anHourAgo });
			const oldContact = sb.crm.put('ContactObj', { name: 'keep: before activation' });
			// a key account last changed three days ago: the example's baseline keeps its level
			const oldKey = sb.crm.put('AccountObj', { name: 'Old key account', account_level: '1' });
			const threeDaysAgo = Date.now() - 3 * 24 * 3600 * 1000;
			Object.assign(account(oldKey), { create_time: threeDaysAgo, last_modified_time: threeDaysAgo });
			n8n = await startN8nServer(home);
			try {
				await waitPolls(1, true); // the poll at activation: it starts from now
				const created = [sb.crm.put('LeadsObj', { name: 'New 1' }), sb.crm.put('LeadsObj', { name: 'New 2' }), sb.crm.put('LeadsObj', { name: 'New 3' })];
				sb.crm.change('AccountObj', acme, { account_level: '1' });
				const contacts = [sb.crm.put('ContactObj', { name: 'keep-1' }), sb.crm.put('ContactObj', { name: 'drop-1' })];
				// created with a create_time a day ahead (hasSpecifyTime, API.md §12): emitted once, hides nothing
				const future = sb.crm.put('ContactObj', { name: 'keep-future' });
				sb.crm.objects.get('ContactObj').records.get(future).create_time = Date.now() + 24 * 3600 * 1000;
				// an unwatched field of the old key account: no announcement
				sb.crm.change('AccountObj', oldKey, { tel: '010-1234' });
				const opportunities = Array.from({ length: 100 }, (_, i) =>
					sb.crm.put('NewOpportunityObj', { name: `opp-${i}`, account_id: acme, close_date: Date.now() + 30 * 24 * 3600 * 1000 }),
				);
				sb.crm.change('ContactObj', oldContact, { name: 'keep: before activation, changed' });
				// a large opportunity created through the API starts its approval flow: 1000 or 1001, then 1002
				const created1 = sb.crm.handle('create', false, { data: { object_data: { dataObjectApiName: 'NewOpportunityObj', name: 'Large', account_id: acme, amount: '500000', close_date: Date.now() } } }, '1000');
				const large = /** @type {any} */ (created1).extra.dataId;
				await waitPolls(1);
				// Approval Task Waiting for Me (as 1000) → Approve by task ID, through the node, once
				const approvals = () => sb.requests.filter((r) => r.endpoint === 'approval.task' && r.response?.body?.errorCode === 0);
				expect(approvals().map((r) => r.body.data)).toEqual([{ taskId: expect.any(String), approvalResult: 'agree', opinion: 'Approved by n8n' }]);
				const second = [...sb.crm.approvals.tasks.values()].find((t) => t.state === 'in_progress' && t.unCompletePersons.includes('1002'));
				expect(sb.crm.approvals.handle('approval.task', { data: { taskId: second.id, approvalResult: 'agree', opinion: 'and by 1002' } }, '1002')).toMatchObject({ applied: true });
				// older records never: only what was created or changed after activation
				expect(sent().sort()).toEqual(created.map(key).sort());
				// Record Created with a filter: the new matching one only (not the other, not a change)
				expect(contactsSent().sort()).toEqual([`${contacts[0]} keep-1`, `${future} keep-future`].sort());
				// the backlog: the first 40, oldest first
				expect(opportunitiesSent().sort()).toEqual(opportunities.slice(0, 40).map((id, i) => `${id} opp-${i}`).sort());
				// the example: the owner is told once, and the message ID is kept in the remark
				expect(appSends()).toHaveLength(1);
				expect(appSends()[0].body).toMatchObject({ serviceId: DEMO.serviceId, toUser: ['1000'], msgType: 'text' });
				const { messageId } = appSends()[0].response.body;
				expect(account(acme).remark).toBe(messageId);
				sb.crm.change('LeadsObj', created[0], { company: 'changed once' });
				sb.crm.change('LeadsObj', created[1], { company: 'changed' });
				sb.crm.change('LeadsObj', created[1], { company: 'changed twice: one event, the latest state' });
				contacts.push(sb.crm.put('ContactObj', { name: 'keep-2' }));
				sb.crm.change('ContactObj', contacts[0], { name: 'keep-1 changed' });
				// the workflow with the long ID: its trigger refused to poll, saying why, and asked nothing.
				// (n8n 2.41 logs the reason when the whole workflow fails to publish; a Fxiaoke node in it
				// has Send and Wait's webhook, which counts as a trigger there, so the workflow is only
				// "partially published" and the reason is in its publication status)
				const status = /** @type {any} */ (await restRequest(home.port, 'GET', `/rest/workflows/${longId}/publication-status`, undefined, /** @type {any} */ (n8n).cookie));
				const reasons = (status.json?.data?.triggers ?? []).map((/** @type {any} */ t) => t.errorMessage ?? '');
				const said = [n8n.output(), ...reasons].join('\n');
				await n8n.stop();
				expect(said).toContain(`The workflow ID "${longId}" is longer than 21 characters`);
				expect(pollsOf('object_ticket__c')).toBe(0);
				expect(sentTo('1002')).toEqual([]);
				// While n8n is down: an old lead changes, the account goes back, a contact is created
				sb.crm.change('LeadsObj', old[0], { company: 'an old record changed' });
				sb.crm.change('AccountObj', acme, { account_level: '2' });
				contacts.push(sb.crm.put('ContactObj', { name: 'keep-3' }));
				n8n = await startN8nServer(home, { setupOwner: false });
				await waitPolls(2);
				const afterRestart = [created[0], created[1], old[0]].map(key);
				expect(sent().sort()).toEqual([...created.map((id) => `${id} v1`), ...afterRestart].sort());
				// Exactly once: no repeats among the sends
				expect(new Set(sent()).size).toBe(sent().length);
				expect(contactsSent().sort()).toEqual([`${contacts[0]} keep-1`, `${future} keep-future`, `${contacts[2]} keep-2`, `${contacts[3]} keep-3`].sort());
				// the backlog drained across the restart: 40 per poll, each opportunity once
				// (and the large opportunity with an approval flow, created after them)
				expect(opportunitiesSent().sort()).toEqual([...opportunities.map((id, i) => `${id} opp-${i}`), `${large} Large`].sort());
				// the example: the message is revoked once, and nothing announced again
				expect(revokes().map((r) => r.body)).toEqual([{ serviceId: DEMO.serviceId, messageId }]);
				expect(sb.messages.get(messageId)).toMatchObject({ revoked: true });
				// and the remark that held its ID is cleared (a field mapped to empty text is cleared)
				expect(account(acme).remark).toBeNull();
				expect(appSends()).toHaveLength(1);
				// the approval: approved once by the workflow, announced once as passed
				expect(approvals()).toHaveLength(1);
				expect(sentTo('1004')).toEqual([`${large} pass`]);
			} finally {
				await n8n?.stop();
			}
		},
		TEST_TIMEOUT,
	);
});
