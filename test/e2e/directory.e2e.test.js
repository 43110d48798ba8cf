'use strict';
/**
 * Recipients people can name, end to end: the packed package in a real n8n (2.41.1 by default, or
 * $N8N_E2E_VERSION) against the sandbox's directory.
 *
 *   1. a workflow finds an employee by mobile number (Employee → Find) and sends them a text
 *      (`{{ $json.employeeId }}`);
 *   2. a text to three mobile numbers (Recipients Are: Mobile Numbers), and one to an unknown number
 *      (the error lists it, nothing is sent);
 *   3. the recipient picker's list, searched through n8n's own list-search endpoint (logged in), and a
 *      send to employees picked from it.
 *
 * Requires `npm run build` first (dist/).
 */
const { importCredentials, importWorkflow, executeWorkflowRaw, getNodeOutput, restRequest } = require('../support/n8n');
const { buildCredential, chainWorkflow, startWith, SPLIT_OUT, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { DIRECTORY_FIXTURES: FX } = require('../../sandbox/directory');
const { useE2e, useN8nServer, throwIfFailed, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');

describe(`Fxiaoke employees as recipients in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {ReturnType<typeof buildCredential>} */
	let cred;
	/** @type {Record<string, any>} */
	const wf = {};
	/** @type {any[]} */
	let people = [];

	/** @param {string} name @param {Record<string, unknown>} parameters */
	const fxNode = (name, parameters) => ({ name, type: FXIAOKE_NODE_TYPE, parameters, credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } } });
	/** @param {any} r */
	const sendsOf = (r) => r.filter((/** @type {any} */ q) => q.endpoint === 'send');

	/** @param {{ id: string }} workflow */
	async function run(workflow) {
		const before = sb.requests.length;
		const r = await executeWorkflowRaw(home, workflow.id, { timeoutMs: RUN_TIMEOUT });
		return { r, requests: sb.requests.slice(before) };
	}

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, home } = e2e);
		cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke directory' });
		await importCredentials(home, [cred]);
		people = [...sb.directory.employees.values()].filter((e) => !e.isStop && e.mobile).slice(30, 34);

		wf.findThenSend = chainWorkflow({
			name: 'Find by mobile, then send',
			nodes: [
				...startWith({ items: [{ mobile: people[0].mobile }] }),
				SPLIT_OUT,
				fxNode('Find', { resource: 'employee', operation: 'find', findBy: 'mobile', value: '={{ $json.mobile }}' }),
				fxNode('Send', { resource: 'message', operation: 'sendText', toUser: '={{ $json.employeeId }}', content: '=Hello {{ $json.name }}' }),
			],
		});
		wf.threeMobiles = chainWorkflow({
			name: 'Text three mobile numbers',
			nodes: [
				...startWith({ items: [{ to: people.slice(1, 4).map((p) => p.mobile) }] }),
				SPLIT_OUT,
				fxNode('Send', { resource: 'message', operation: 'sendText', recipientType: 'mobileNumbers', toUser: '={{ $json.to }}', content: 'Your order shipped' }),
			],
		});
		wf.unknownMobile = chainWorkflow({
			name: 'Text an unknown mobile number',
			nodes: [
				...startWith({ items: [{ to: [people[1].mobile, FX.unknownMobile] }] }),
				SPLIT_OUT,
				fxNode('Send', { resource: 'message', operation: 'sendText', recipientType: 'mobileNumbers', toUser: '={{ $json.to }}', content: 'x' }),
			],
		});
		wf.picked = chainWorkflow({
			name: 'Text picked employees',
			nodes: [
				...startWith({ items: [{}] }),
				SPLIT_OUT,
				fxNode('Send', { resource: 'message', operation: 'sendText', toUser: '', pickedRecipients: { employee: [people[0], people[2]].map((p) => ({ id: { __rl: true, mode: 'list', value: p.employeeId } })) }, content: 'Picked' }),
			],
		});
		await importWorkflow(home, Object.values(wf));
	});

	test(
		'find an employee by mobile number and send them a text',
		async () => {
			const { r, requests } = await run(wf.findThenSend);
			throwIfFailed(r);
			const [found] = getNodeOutput(r.run, 'Find').items;
			expect(found.json).toMatchObject({ employeeId: people[0].employeeId, name: people[0].name, mobile: people[0].mobile, status: 'active' });
			const sent = sendsOf(requests);
			expect(sent).toHaveLength(1);
			expect(sent[0].body).toEqual({ toUser: [people[0].employeeId], msgType: 'text', text: { content: `Hello ${people[0].name}` } });
		},
		RUN_TIMEOUT,
	);

	test(
		'a text to three mobile numbers reaches exactly those employees; an unknown number stops the item, nothing sent',
		async () => {
			const three = people.slice(1, 4);
			const { r, requests } = await run(wf.threeMobiles);
			throwIfFailed(r);
			const sent = sendsOf(requests);
			expect(sent).toHaveLength(1);
			expect(sent[0].body.toUser).toEqual(three.map((p) => p.employeeId));
			const [out] = getNodeOutput(r.run, 'Send').items;
			expect(out.json.resolvedRecipients).toEqual(three.map((p) => ({ value: p.mobile, employeeId: p.employeeId, name: p.name })));

			const failed = await run(wf.unknownMobile);
			expect(failed.r.ok).toBe(false);
			expect(failed.r.errorMessage).toContain(`"${FX.unknownMobile}" matches no employee`);
			expect(sendsOf(failed.requests)).toHaveLength(0);
		},
		RUN_TIMEOUT,
	);

	test(
		'employees picked from the list are sent to',
		async () => {
			const { r, requests } = await run(wf.picked);
			throwIfFailed(r);
			expect(sendsOf(requests).map((q) => q.body.toUser)).toEqual([[people[0].employeeId, people[2].employeeId]]);
		},
		RUN_TIMEOUT,
	);

	describe("the picker's list through n8n's list-search endpoint (logged in)", () => {
		const n8n = useN8nServer(() => home);

		test(
			'a searchable list through n8n\'s list-search endpoint: a page at a time, and what is typed searched by Fxiaoke (part of an e-mail address)',
			async () => {
				/** @param {string} filter @param {string} [paginationToken] */
				const search = async (filter, paginationToken) => {
					const answer = /** @type {any} */ (
						await restRequest(
							home.port,
							'POST',
							'/rest/dynamic-node-parameters/resource-locator-results',
							{
								nodeTypeAndVersion: { name: FXIAOKE_NODE_TYPE, version: 1 },
								credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
								path: 'parameters.pickedRecipients.employee[0].id',
								methodName: 'searchEmployees',
								filter,
								...(paginationToken === undefined ? {} : { paginationToken }),
								currentNodeParameters: { resource: 'message', operation: 'sendText', toUser: '', pickedRecipients: { employee: [{ id: { __rl: true, mode: 'list', value: '' } }] } },
							},
							n8n.cookie,
						)
					);
					expect(answer.status).toBe(200);
					return answer.json.data;
				};
				const first = await search('');
				expect(first.results).toHaveLength(100);
				expect(first.paginationToken).toBe('0:100');
				const second = await search('', first.paginationToken);
				const firstIds = new Set(first.results.map((/** @type {any} */ o) => o.value));
				expect(second.results.some((/** @type {any} */ o) => firstIds.has(o.value))).toBe(false);
				const zhang = (await search('zhang')).results.map((/** @type {any} */ o) => o.value);
				expect(zhang).toEqual(expect.arrayContaining([...FX.duplicateName.employeeIds]));
				expect(zhang).not.toContain(FX.ceo.employeeId);
			},
			RUN_TIMEOUT,
		);
	});
});
