'use strict';
/**
 * Message → Send and Wait for Response end to end: the packed package in a real n8n (2.41.1 by
 * default, or $N8N_E2E_VERSION), `n8n start` with published workflows
 *   Webhook → Fxiaoke Send and Wait (one response type each) → Fxiaoke Send Text to 1009
 * whose text is the answer (`$json.data`), so every resumed execution is one send the sandbox
 * records. The cards reach the sandbox, one per recipient, each with its own signed link; the test
 * opens a link as a recipient would (GET: the page) and answers (POST: its form): Approval, Free
 * Text, Custom Form (a bad answer is refused and changes nothing), a link whose recipient was
 * altered is refused by n8n (401), a second answer after the first gets n8n's "no action required"
 * page and resumes nothing, and a wait with a limit goes on without an answer. Beside them,
 * examples/discount-approval.json: a new large opportunity → the manager's card → approved → the
 * opportunity moves to Proposal.
 *
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');

const fs = require('node:fs');
const nodePath = require('node:path');

const { importCredentials, importWorkflow, publishWorkflows, startN8nServer, REPO_ROOT } = require('../support/n8n');
const { bindWorkflowCredential, buildCredential, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, n8nId } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { useE2e, VERSION } = require('../support/e2e-fixture');

const TEST_TIMEOUT = 5 * 60 * 1000;
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A request to a link. The card is sent a moment before the execution starts waiting; until then n8n
 * answers 409 (running): asked again, as a person would, until it waits.
 * @param {string} url @param {() => RequestInit} [init]
 */
async function open(url, init = () => ({})) {
	for (const until = Date.now() + 30_000; ; await sleep(250)) {
		const res = await fetch(url, { redirect: 'manual', ...init() });
		const answered = { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
		if (answered.status !== 409 || Date.now() > until) return answered;
	}
}
/** The form's answer, posted as a browser posts it (the page's form is multipart). @param {string} url @param {Record<string, string>} fields */
const answer = (url, fields) =>
	open(url, () => {
		const body = new FormData();
		for (const [name, value] of Object.entries(fields)) body.append(name, value);
		return { method: 'POST', body };
	});

describe(`Send and Wait for Response in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	const flows = {
		approval: { id: n8nId(), path: `saw-approval-${crypto.randomBytes(3).toString('hex')}`, wait: { responseType: 'approval' } },
		freeText: { id: n8nId(), path: `saw-text-${crypto.randomBytes(3).toString('hex')}`, wait: { responseType: 'freeText', buttonLabel: 'Answer' } },
		customForm: {
			id: n8nId(),
			path: `saw-form-${crypto.randomBytes(3).toString('hex')}`,
			wait: {
				responseType: 'customForm',
				formFields: { field: [{ label: 'Discount', type: 'number', required: true }, { label: 'Reason', type: 'dropdown', options: 'Price, Volume' }] },
			},
		},
		limited: { id: n8nId(), path: `saw-limit-${crypto.randomBytes(3).toString('hex')}`, wait: { responseType: 'approval', limitWaitTime: true, resumeAmount: 0.1, resumeUnit: 'minutes' } },
	};

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, home } = e2e);
		const cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke send and wait' });
		await importCredentials(home, [cred]);
		const credentials = { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } };
		await importWorkflow(
			home,
			Object.entries(flows).map(([key, flow]) => ({
				id: flow.id,
				name: `Send and wait: ${key}`,
				active: false,
				settings: { executionOrder: 'v1' },
				connections: { Start: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] }, Ask: { main: [[{ node: 'Tell', type: 'main', index: 0 }]] } },
				nodes: [
					{ id: crypto.randomUUID(), name: 'Start', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: crypto.randomUUID(), parameters: { httpMethod: 'POST', path: flow.path, responseMode: 'onReceived', options: {} } },
					{
						id: crypto.randomUUID(),
						name: 'Ask',
						type: FXIAOKE_NODE_TYPE,
						typeVersion: 1,
						position: [300, 0],
						webhookId: crypto.randomUUID(),
						parameters: {
							resource: 'message',
							operation: 'sendAndWait',
							toUser: '1001, 1002',
							headTitle: `Discount for ${key}`,
							firstContent: '={{ $json.body.question }}',
							formRows: { row: [{ label: 'Amount', value: '120,000' }] },
							...flow.wait,
						},
						credentials,
					},
					{
						id: crypto.randomUUID(),
						name: 'Tell',
						type: FXIAOKE_NODE_TYPE,
						typeVersion: 1,
						position: [600, 0],
						parameters: { resource: 'message', operation: 'sendText', toUser: '1009', content: `=${key}: {{ JSON.stringify($json.data ?? null) }}` },
						credentials,
					},
				],
			})),
		);
		const example = bindWorkflowCredential(JSON.parse(fs.readFileSync(nodePath.join(REPO_ROOT, 'examples', 'discount-approval.json'), 'utf8')), cred);
		await importWorkflow(home, [example]);
		await publishWorkflows(home, [...Object.values(flows).map((f) => f.id), example.id]);
	});

	/** The cards sent so far for a flow: recipient → the link. */
	const cardsOf = (/** @type {string} */ key) =>
		new Map(
			sb.requests
				.filter((r) => r.endpoint === 'send' && r.body?.msgType === 'composite' && r.body.composite.head.title === `Discount for ${key}` && r.response?.body?.errorCode === 0)
				.map((r) => [r.body.toUser.join(','), r.body.composite.link.url]),
		);
	/** The answers the workflows passed on (Send Text to 1009), as "key: data". */
	const told = () => sb.requests.filter((r) => r.endpoint === 'send' && r.body?.toUser?.includes('1009') && r.response?.body?.errorCode === 0).map((r) => r.body.text.content);
	const waitFor = async (/** @type {() => boolean} */ done, what = 'the sandbox') => {
		for (const until = Date.now() + 90_000; !done(); await sleep(250)) if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
	};

	test(
		'each recipient gets a card with its own signed link; the page answers Approval, Free Text and Custom Form; the first answer resumes the run with who gave it; a second answer, an altered link or a bad form resume nothing; a limited wait goes on without an answer',
		async () => {
			const n8n = await startN8nServer(home);
			try {
				const start = async (/** @type {keyof typeof flows} */ key) => {
					let res;
					for (const until = Date.now() + 60_000; ; await sleep(250)) {
						res = await fetch(`http://127.0.0.1:${home.port}/webhook/${flows[key].path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'OK to give 15 %?' }) });
						if (res.status !== 404 || Date.now() > until) break;
					}
					expect(res.status).toBe(200);
					await waitFor(() => cardsOf(key).size === 2, `the cards of ${key}`);
					return cardsOf(key);
				};

				// a wait limited to 6 s, started first (n8n looks at due waits about once a minute)
				await start('limited');
				// the example: its trigger's first poll starts from now; a large opportunity once that poll
				// is over (created while it reads, the opportunity would be part of its starting point)
				const queries = () => sb.requests.filter((r) => r.endpoint === 'crm.query' && r.body?.data?.dataObjectApiName === 'NewOpportunityObj');
				const pollDone = () => queries().length > 0 && queries().every((r) => r.response !== null);
				await waitFor(pollDone, 'the example\'s first poll');
				for (let seen = -1; seen !== queries().length || !pollDone(); await sleep(1000)) seen = queries().length;
				const account = sb.crm.put('AccountObj', { name: 'Big buyer' });
				const deal = sb.crm.put('NewOpportunityObj', { name: 'Big deal', account_id: account, amount: '60000', close_date: Date.now() });
				// Approval: two cards, each with its own link (signed, naming its recipient)
				const cards = await start('approval');
				const card = sb.requests.find((r) => r.endpoint === 'send' && r.body?.composite?.head?.title === 'Discount for approval').body.composite;
				expect(card).toMatchObject({ head: { title: 'Discount for approval' }, first: { content: 'OK to give 15 %?' }, form: [{ label: 'Amount', value: '120,000' }], link: { title: 'Respond' } });
				const link1002 = /** @type {string} */ (cards.get('1002'));
				expect(new URL(link1002).searchParams.get('employee')).toBe('1002');
				expect(cards.get('1001')).not.toBe(link1002);
				const shown = await open(link1002);
				expect(shown.status).toBe(200);
				expect(shown.text).toContain('Discount for approval');
				expect(shown.text).toContain('value="approve">Approve</button>');
				expect(shown.text).toContain('value="decline">Decline</button>');
				// a link whose recipient was changed: n8n's signature check refuses it
				const altered = new URL(link1002);
				altered.searchParams.set('employee', '1003');
				expect((await answer(altered.toString(), { decision: 'approve' })).status).toBe(401);
				// 1002 approves: the run goes on with the answer and who gave it
				const taken = await answer(link1002, { decision: 'approve' });
				expect(taken.status).toBe(200);
				expect(taken.text).toContain('Got it, thanks');
				await waitFor(() => told().some((t) => t.startsWith('approval:')), 'the approval');
				const approved = JSON.parse(told().find((t) => t.startsWith('approval:')).slice('approval: '.length));
				expect(approved).toEqual({ approved: true, respondedBy: '1002', respondedAt: expect.any(String) });
				// 1001 answers too late: n8n's page, nothing resumes
				const late = await answer(/** @type {string} */ (cards.get('1001')), { decision: 'decline' });
				expect(late.text).toContain('No action required');
				await sleep(2000);
				expect(told().filter((t) => t.startsWith('approval:'))).toHaveLength(1);

				// Free Text
				const textCards = await start('freeText');
				const textPage = await open(/** @type {string} */ (textCards.get('1001')));
				expect(textPage.text).toContain('<textarea');
				expect((await answer(/** @type {string} */ (textCards.get('1001')), { 'field-0': '   ' })).status).toBe(400);
				expect((await answer(/** @type {string} */ (textCards.get('1001')), { 'field-0': 'Only 10 %, please' })).status).toBe(200);
				await waitFor(() => told().some((t) => t.startsWith('freeText:')), 'the free text');
				expect(JSON.parse(told().find((t) => t.startsWith('freeText:')).slice('freeText: '.length))).toMatchObject({ text: 'Only 10 %, please', respondedBy: '1001' });

				// Custom Form: a bad answer is refused (nothing resumes), then a good one
				const formCards = await start('customForm');
				const formLink = /** @type {string} */ (formCards.get('1002'));
				const formPage = await open(formLink);
				expect(formPage.text).toContain('<option value="Volume">Volume</option>');
				const bad = await answer(formLink, { 'field-0': '12.5', 'field-1': 'Other' });
				expect(bad.status).toBe(400);
				expect(bad.text).toContain('Reason has no option Other');
				expect((await answer(formLink, { 'field-0': '12.5', 'field-1': 'Volume' })).status).toBe(200);
				await waitFor(() => told().some((t) => t.startsWith('customForm:')), 'the form');
				expect(JSON.parse(told().find((t) => t.startsWith('customForm:')).slice('customForm: '.length))).toMatchObject({ Discount: 12.5, Reason: 'Volume', respondedBy: '1002' });

				// the example: the manager's card (1001), approved: the opportunity moves to Proposal
				await waitFor(() => sb.requests.some((r) => r.endpoint === 'send' && r.body?.composite?.head?.title === 'Discount approval: Big deal'), 'the example\'s card');
				const exampleCard = sb.requests.find((r) => r.endpoint === 'send' && r.body?.composite?.head?.title === 'Discount approval: Big deal').body;
				expect(exampleCard.toUser).toEqual(['1001']);
				expect(exampleCard.composite.form).toEqual([{ label: 'Amount', value: '60000' }, expect.objectContaining({ label: 'Close date' })]);
				expect((await answer(exampleCard.composite.link.url, { decision: 'approve' })).status).toBe(200);
				await waitFor(() => sb.crm.objects.get('NewOpportunityObj').records.get(deal).sales_stage === '2', 'the opportunity\'s stage');
				// the limited wait: the run went on with no answer
				await waitFor(() => told().some((t) => t.startsWith('limited:')), 'the limited wait');
				expect(told().filter((t) => t.startsWith('limited:'))).toEqual(['limited: null']);
			} finally {
				await n8n.stop();
			}
		},
		TEST_TIMEOUT,
	);
});
