'use strict';
/**
 * Every operation and option that had only in-process tests, end to end: the packed package in a
 * real n8n (2.41.1 by default, or $N8N_E2E_VERSION) against the sandbox.
 *
 * Cost: four n8n processes. `import:credentials`, one `import:workflow` of every workflow, one
 * `n8n executeBatch` that runs the four batch workflows (messages, revokes, directory, CRM; each a
 * Manual Trigger fanning out to one branch per case), and one `n8n start` for Fetch Test Event: n8n
 * runs a polling trigger's poll only in manual executions, which no CLI command makes (`execute` and
 * `executeBatch` run in mode "cli", need a Manual Trigger to start from, and pass a poll node's input
 * through), so it is run the way the editor's button does, through `POST /rest/workflows/:id/run`.
 *
 * Every Fxiaoke node has "On Error: Continue": a failure becomes an item the tests show, and the
 * other cases of its workflow still run and are reported.
 *
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');
const path = require('node:path');

const { importCredentials, importWorkflow, restRequest } = require('../support/n8n');
const { buildCredential, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, SPLIT_OUT, n8nId } = require('../support/workflows');
const { batchId, executeBatch } = require('../support/e2e-kit');
const DEMO = require('../../sandbox/demo-app');
const { DIRECTORY_FIXTURES: FX, openUserIdOf } = require('../../sandbox/directory');
const { fieldsOf, pairedIndex } = require('../support/items');
const { useE2e, useN8nServer, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');

const TRIGGER_TYPE = FXIAOKE_NODE_TYPE.replace(/fxiaoke$/, 'fxiaokeTrigger');
/** Pacing out of the way: nothing here tests it, and the default window would only make runs wait. */
const FAST = { rateLimit: 1000 };
const TAG = crypto.randomBytes(3).toString('hex');
/** A 1×1 PNG. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const SORTED = 150;
/** More than a sorted query can page through (10,000 offset + one page of 100). */
const TOO_MANY = 10150;
const ALPHA = 'FSAID_e2e_alpha';
const BETA = 'FSAID_e2e_beta';

const byApiName = (value) => ({ __rl: true, mode: 'id', value });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** What the sandbox parsed, as the node sent it (rawBody is the exact text). @param {any} r */
const bodyOf = (r) => JSON.parse(r.rawBody);
/** A send's output: Fxiaoke's reply and `recipients`, the IDs as sent in toUser. @param {any} r */
const withRecipients = (r) => ({ ...r.response.body, recipients: bodyOf(r).toUser });

/** A Set node that outputs `value` as its one item. @param {string} name @param {unknown} value */
const oneItem = (name, value) => ({ name, type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify(value), options: {} } });
/** Set + Split Out: one item per element of `list`. @param {string} prefix @param {unknown[]} list */
const itemsOf = (prefix, list) => [oneItem(`${prefix} Items`, { items: list }), { ...SPLIT_OUT, name: `${prefix} Split` }];

/**
 * Manual Trigger → one chain of nodes per branch. n8n (execution order v1) runs the branches one
 * after the other, so one execution holds many cases.
 * @param {string} name @param {Array<Array<Record<string, any>>>} branches
 */
function branchedWorkflow(name, branches) {
	const nodes = [{ id: crypto.randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
	/** @type {Record<string, any>} */
	const connections = {};
	branches.forEach((chain, row) => {
		let previous = 'Start';
		chain.forEach((node, column) => {
			nodes.push({ id: crypto.randomUUID(), typeVersion: 1, position: [(column + 1) * 240, row * 200], ...node });
			(connections[previous] ??= { main: [[]] }).main[0].push({ node: node.name, type: 'main', index: 0 });
			previous = node.name;
		});
	});
	return { id: batchId(), name, active: false, settings: { executionOrder: 'v1' }, pinData: {}, tags: [], nodes, connections };
}

describe(`Fxiaoke operations end to end in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {ReturnType<typeof buildCredential>} */
	let cred;
	/** @type {Record<string, any>} */
	const wf = {};
	/** @type {Awaited<ReturnType<typeof executeBatch>>} */
	let batch;
	/** The sandbox's records of the batch's requests. @type {any[]} */
	let requests = [];
	/** Fixture people and records, chosen in the set-up. @type {Record<string, any>} */
	const pick = {};

	/** @param {string} name @param {Record<string, unknown>} parameters */
	const fx = (name, parameters) => ({
		name,
		type: FXIAOKE_NODE_TYPE,
		onError: 'continueRegularOutput',
		parameters: { ...parameters, options: { ...FAST, ...(/** @type {any} */ (parameters).options ?? {}) } },
		credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
	});

	/** The items a node of a batch workflow output. @param {any} workflow @param {string} node @returns {any[]} */
	function outputOf(workflow, node) {
		const run = batch.runs[workflow.id];
		if (!run) {
			const failed = batch.summary?.summary?.errors?.find((/** @type {any} */ e) => e.workflowId === workflow.id);
			throw new Error(`"${workflow.name}" has no run data (exit ${batch.code}): ${failed?.error ?? batch.summaryText.slice(0, 2000)}\n${batch.stderr.slice(-2000)}`);
		}
		const tasks = run.data.resultData.runData[node];
		if (!tasks) throw new Error(`node "${node}" did not run in "${workflow.name}" (ran: ${Object.keys(run.data.resultData.runData).join(', ')})`);
		return tasks[0].data?.main?.[0] ?? [];
	}
	const jsonOf = (/** @type {any} */ workflow, /** @type {string} */ node) => outputOf(workflow, node).map((i) => i.json);
	/** @param {string} endpoint */
	const sent = (endpoint) => requests.filter((r) => r.endpoint === endpoint);
	/** Queries of one CRM object, in the order they arrived. @param {string} apiName */
	const queriesOf = (apiName) => requests.filter((r) => r.endpoint.endsWith('.query') && r.body?.data?.dataObjectApiName === apiName);
	/** The filters the node sent in each query. @param {any[]} queries */
	const filtersOf = (queries) => queries.map((q) => bodyOf(q).data.search_query_info.filters);

	/** The Employee output for a directory employee: the record Fxiaoke keeps in PersonnelObj. @param {any} e */
	const employee = (e) => ({
		employeeId: e.employeeId,
		name: e.name,
		mobile: e.mobile ?? null,
		email: e.email ?? null,
		departmentIds: [e.mainDepartmentId, ...e.departmentIds.filter((/** @type {number} */ d) => d !== e.mainDepartmentId)].map(String),
		mainDepartmentId: String(e.mainDepartmentId),
		position: e.position ?? null,
		employeeNumber: e.employeeNumber ?? null,
		status: e.isStop ? 'stopped' : 'active',
		isStop: e.isStop,
		recordId: sb.directory.personnelIds.get(e.employeeId),
	});
	/** @param {any} d a directory department */
	const department = (d) => ({
		departmentId: String(d.id),
		name: d.name,
		parentId: d.parentId === null ? null : String(d.parentId),
		status: d.isStop ? 'disabled' : 'enabled',
		recordId: [...sb.crm.objects.get('DepartmentObj').records.values()].find((r) => r.department_id === String(d.id))._id,
	});
	const byEmployeeId = (/** @type {any} */ a, /** @type {any} */ b) => a.employeeId.localeCompare(b.employeeId);
	const everyone = () => [...sb.directory.employees.values()];
	/** Employees who belong to one of `ids`, as main department or another. @param {number[]} ids */
	const memberOf = (ids) => everyone().filter((e) => e.departmentIds.some((/** @type {number} */ d) => ids.includes(d))).map(employee).sort(byEmployeeId);

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, home } = e2e);
		cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke operations' });
		await importCredentials(home, [cred]);

		const active = everyone().filter((e) => !e.isStop && e.email && e.mobile && e.employeeId !== FX.ceo.employeeId);
		pick.mailTo = active.slice(40, 42);
		pick.findByMail = active[50];
		pick.chunkIds = Array.from({ length: 1201 }, (_, i) => `ops-${TAG}-${String(i).padStart(4, '0')}`);
		pick.revokeDemo = [1, 2, 3].map((i) => `ops-${TAG}-demo-${i}`);
		pick.revokeMixed = [
			{ serviceId: ALPHA, messageId: `ops-${TAG}-a1` },
			{ serviceId: BETA, messageId: `ops-${TAG}-b1` },
			{ serviceId: ALPHA, messageId: `ops-${TAG}-a2` },
		];
		sb.seedMessages(DEMO.serviceId, pick.revokeDemo);
		for (const m of pick.revokeMixed) sb.seedMessages(m.serviceId, [m.messageId]);
		// Names out of _id order, so that only a sort puts them in order.
		pick.contacts = sb.crm.seed('ContactObj', SORTED, (i) => ({ name: `Sorted-${String((i * 37) % SORTED).padStart(3, '0')}` }));
		sb.crm.seed('LeadsObj', TOO_MANY);
		// Fetch Test Event: B is the newest record created, A (changed after B) the newest changed;
		// the newest record of all does not match the trigger's filter.
		const t0 = Date.now() - 10 * 60 * 1000;
		sb.crm.setClock(t0);
		pick.fetchA = sb.crm.put('AccountObj', { name: 'Fetch-A' });
		sb.crm.setClock(t0 + 1000);
		pick.fetchB = sb.crm.put('AccountObj', { name: 'Fetch-B' });
		sb.crm.setClock(t0 + 30_000); // (more than 10 s after its creation: an update, not part of it)
		sb.crm.change('AccountObj', pick.fetchA, { remark: 'changed after B' });
		sb.crm.setClock(t0 + 31_000);
		sb.crm.put('AccountObj', { name: 'Other, newest' });
		sb.crm.setClock(null);
		pick.t0 = t0;

		const composite = {
			headTitle: '={{ $json.head }}',
			firstContent: '={{ $json.first }}',
			formRows: { row: [{ label: '客户', value: '={{ $json.customer }}' }, { label: '={{ $json.label2 }}', value: '={{ $json.value2 }}' }] },
			remark: '={{ $json.remark }}',
			linkTitle: '={{ $json.linkTitle }}',
			linkUrl: '={{ $json.url }}',
		};
		wf.messages = branchedWorkflow('E2E ops: messages', [
			[
				...itemsOf('Cards', [
					// README's example: no First Content, no Remark, an empty second row
					{ head: '订单 #42 已发货', first: '', customer: '上海某某有限公司', label2: '', value2: '', remark: '', linkTitle: '查看详情', url: 'https://example.com/orders/42' },
					{ head: `卡片 ${TAG} 🚚`, first: 'Your order is on its way', customer: '某某公司', label2: 'Amount', value2: '¥ 1,299.00', remark: '预计 3 天内送达', linkTitle: 'Open', url: 'fs://CRM/udobj?x=1' },
				]),
				fx('Composite', { resource: 'message', operation: 'sendComposite', toUser: '1000', ...composite }),
			],
			[fx('Text README', { resource: 'message', operation: 'sendText', toUser: '1000, 1001', content: '会议改到 15:00 📅' })],
			[
				fx('Text Convert User IDs', {
					resource: 'message',
					operation: 'sendText',
					toUser: `${openUserIdOf('1001')}, ${openUserIdOf('1002')}`,
					content: `convertUserId ${TAG}`,
					options: { convertUserId: true },
				}),
			],
			[
				fx('Text by E-Mail', {
					resource: 'message',
					operation: 'sendText',
					recipientType: 'emailAddresses',
					// (in capitals: addresses are compared in lower case)
					toUser: `${pick.mailTo[0].email.toUpperCase()}, ${pick.mailTo[1].email}`,
					content: `e-mail ${TAG}`,
				}),
			],
			[
				oneItem('Chunk Item', { to: [...pick.chunkIds.slice(0, 600), '', ` ${pick.chunkIds[0]} `, ...pick.chunkIds.slice(600), pick.chunkIds[1]] }),
				fx('Text 1201', { resource: 'message', operation: 'sendText', toUser: '={{ $json.to }}', content: `chunks ${TAG}` }),
			],
			[
				oneItem('PNG Item', { png: PIXEL_PNG }),
				{
					name: 'To PNG',
					type: 'n8n-nodes-base.convertToFile',
					typeVersion: 1.1,
					parameters: { operation: 'toBinary', sourceProperty: 'png', binaryPropertyName: 'data', options: { fileName: 'pixel.png', mimeType: 'image/png' } },
				},
				fx('Upload Cover', { resource: 'media', operation: 'upload', binaryPropertyName: 'data' }),
				fx('Articles Convert Media IDs', {
					resource: 'message',
					operation: 'sendArticles',
					toUser: '1000',
					articles: { article: [{ title: `图文 ${TAG}`, coverSource: 'mediaId', coverMediaId: '={{ $json.mediaId }}', type: 'TEXT', content: 'Body 正文', coverImageInContent: true }] },
					options: { convertMediaId: true },
				}),
				fx('SA Articles', {
					resource: 'message',
					operation: 'sendAsServiceAccount',
					serviceId: DEMO.serviceId,
					messageType: 'articles',
					toUser: '1002',
					articles: {
						article: [
							{ title: `SA 图文 ${TAG}`, description: 'desc', coverSource: 'mediaId', coverMediaId: "={{ $('Upload Cover').item.json.mediaId }}", type: 'URL', content: 'https://example.com/sa-article' },
						],
					},
				}),
			],
			[fx('SA Text README', { resource: 'message', operation: 'sendAsServiceAccount', serviceId: DEMO.serviceId, messageType: 'text', toUser: '1000', content: '稍后撤回' })],
			[
				fx('SA Composite', {
					resource: 'message',
					operation: 'sendAsServiceAccount',
					serviceId: DEMO.serviceId,
					messageType: 'composite',
					toUser: '1000, 1001',
					headTitle: `SA 卡片 ${TAG}`,
					formRows: { row: [{ label: '状态', value: '已发货' }] },
					remark: 'r',
					linkTitle: 'Open',
					linkUrl: 'https://example.com/sa',
				}),
			],
			[
				fx('SA Raw JSON', {
					resource: 'message',
					operation: 'sendAsServiceAccount',
					serviceId: DEMO.serviceId,
					messageType: 'rawJson',
					jsonBody: JSON.stringify({ toUser: ['1000', '1001'], msgType: 'text', text: { content: `原样 JSON ${TAG} ✓` } }, null, 2),
				}),
			],
		]);

		wf.revokes = branchedWorkflow('E2E ops: revoke, values per item', [
			[
				...itemsOf('Demo', pick.revokeDemo.map((messageId) => ({ messageId }))),
				fx('Revoke Constant Service', { resource: 'message', operation: 'revoke', serviceId: DEMO.serviceId, messageId: '={{ $json.messageId }}' }),
			],
			[
				...itemsOf('Mixed', pick.revokeMixed),
				fx('Revoke Service per Item', { resource: 'message', operation: 'revoke', serviceId: '={{ $json.serviceId }}', messageId: '={{ $json.messageId }}' }),
			],
		]);

		const rnd = String(FX.departmentWithChildren.departmentId);
		wf.directory = branchedWorkflow('E2E ops: employees and departments', [
			[fx('Find by E-Mail', { resource: 'employee', operation: 'find', findBy: 'email', value: pick.findByMail.email.toUpperCase() })],
			[fx('Find by Name', { resource: 'employee', operation: 'find', findBy: 'name', value: FX.duplicateName.name })],
			[fx('Get Employee', { resource: 'employee', operation: 'get', employeeId: FX.noEmail.employeeId })],
			[fx('Members with Sub-Departments', { resource: 'employee', operation: 'getAll', departmentId: rnd, includeSubDepartments: true, returnAll: true })],
			[fx('Members Only', { resource: 'employee', operation: 'getAll', departmentId: rnd, includeSubDepartments: false, returnAll: true })],
			[fx('Whole Company', { resource: 'employee', operation: 'getAll', departmentId: '999999', includeSubDepartments: true, returnAll: true })],
			[fx('Get Department', { resource: 'department', operation: 'get', departmentId: String(FX.leafDepartment.departmentId) })],
			[fx('All Departments', { resource: 'department', operation: 'getAll', returnAll: true })],
			[fx('Sub-Departments', { resource: 'department', operation: 'getAll', parentDepartmentId: rnd, returnAll: true })],
		]);

		const ticket = byApiName('object_ticket__c');
		pick.ticketName = `E2E Ticket ${TAG}`;
		wf.crm = branchedWorkflow('E2E ops: CRM objects', [
			[
				fx('Contacts Sorted', {
					resource: 'crmObject',
					operation: 'getAll',
					objectApiName: byApiName('ContactObj'),
					returnAll: true,
					filters: { conditions: [{ field: 'name', operator: 'STARTWITH', value: 'Sorted-' }] },
					sort: { rules: [{ field: 'name', direction: 'asc' }] },
					options: { fieldProjection: ['name'] },
				}),
			],
			[
				fx('Contacts Top 5', {
					resource: 'crmObject',
					operation: 'getAll',
					objectApiName: byApiName('ContactObj'),
					returnAll: false,
					limit: 5,
					sort: { rules: [{ field: 'name', direction: 'desc' }] },
					options: { fieldProjection: ['name'] },
				}),
			],
			[fx('Leads Sorted', { resource: 'crmObject', operation: 'getAll', objectApiName: byApiName('LeadsObj'), returnAll: true, sort: { rules: [{ field: 'name', direction: 'asc' }] } })],
			[
				oneItem('Acme Item', { name: 'Acme', employees: 12, account_level: 'Key' }),
				fx('Create README', {
					resource: 'crmObject',
					operation: 'create',
					objectApiName: byApiName('AccountObj'),
					fields: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] },
				}),
			],
			[
				oneItem('Ticket Item', { name: pick.ticketName, field_priority__c: 'High', field_count__c: 3, field_due__c: '2026-12-24T10:00:00Z', field_done__c: 'false', owner: '1001' }),
				fx('Create Ticket', { resource: 'crmObject', operation: 'create', objectApiName: ticket, fields: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] } }),
				fx('Get Ticket', { resource: 'crmObject', operation: 'get', objectApiName: ticket, recordId: '={{ $json.dataId }}' }),
				fx('Update Ticket', {
					resource: 'crmObject',
					operation: 'update',
					objectApiName: ticket,
					recordId: '={{ $json._id }}',
					fields: { mappingMode: 'defineBelow', value: { field_count__c: '={{ Number($json.field_count__c) + 1 }}', field_done__c: true }, matchingColumns: [], schema: [] },
				}),
				fx('Find Ticket', {
					resource: 'crmObject',
					operation: 'getAll',
					objectApiName: ticket,
					returnAll: true,
					filters: { conditions: [{ field: 'name', operator: 'EQ', value: pick.ticketName }] },
				}),
				fx('Delete Ticket', { resource: 'crmObject', operation: 'delete', objectApiName: ticket, recordId: '={{ $json._id }}', options: { deletePermanently: true } }),
			],
		]);

		/** @param {string} name @param {string} apiName @param {string} event @param {boolean} filtered @param {number} row */
		const trigger = (name, apiName, event, filtered, row) => ({
			id: crypto.randomUUID(),
			name,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, row * 200],
			parameters: {
				pollTimes: { item: [{ mode: 'everyMinute' }] },
				objectApiName: byApiName(apiName),
				event,
				...(filtered ? { filters: { conditions: [{ field: 'name', operator: 'STARTWITH', value: 'Fetch-' }] } } : {}),
				simplify: true,
				options: FAST,
			},
			credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
		});
		// Not in the batch: it has no Manual Trigger; the server runs its triggers one by one.
		wf.triggers = {
			id: n8nId(),
			name: 'E2E ops: Fetch Test Event',
			active: false,
			settings: { executionOrder: 'v1' },
			pinData: {},
			tags: [],
			connections: {},
			nodes: [
				trigger('Created', 'AccountObj', 'created', true, 0),
				trigger('Updated', 'AccountObj', 'updated', true, 1),
				trigger('Created or Updated', 'AccountObj', 'createdOrUpdated', true, 2),
				trigger('No Records', 'NewOpportunityObj', 'createdOrUpdated', false, 3),
			],
		};
		await importWorkflow(home, Object.values(wf));

		const before = sb.requests.length;
		const ids = [wf.messages.id, wf.revokes.id, wf.directory.id, wf.crm.id];
		batch = await executeBatch(home, ids, { concurrency: ids.length, timeoutMs: RUN_TIMEOUT });
		requests = sb.requests.slice(before);
	});

	test('the batch: every workflow ended without error, each once', () => {
		expect(batch.summary?.summary).toMatchObject({ failedExecutions: 0, warningExecutions: 0, successfulExecutions: 4 });
		expect(Object.keys(batch.runs).sort()).toEqual([wf.messages.id, wf.revokes.id, wf.directory.id, wf.crm.id].sort());
	});

	test('Send Composite Message: README\'s example byte-exact, every optional part per item; output = Fxiaoke\'s reply', () => {
		const out = outputOf(wf.messages, 'Composite');
		const cards = sent('send').filter((r) => bodyOf(r).msgType === 'composite');
		expect(cards).toHaveLength(2);
		const readme = cards.find((r) => bodyOf(r).composite.head.title === '订单 #42 已发货');
		const full = cards.find((r) => bodyOf(r).composite.head.title === `卡片 ${TAG} 🚚`);
		expect(readme.rawBody).toBe(
			'{"toUser":["1000"],"msgType":"composite","composite":{"head":{"title":"订单 #42 已发货"},"form":[{"label":"客户","value":"上海某某有限公司"}],"link":{"title":"查看详情","url":"https://example.com/orders/42"}}}',
		);
		expect(full.rawBody).toBe(
			JSON.stringify({
				toUser: ['1000'],
				msgType: 'composite',
				composite: {
					head: { title: `卡片 ${TAG} 🚚` },
					first: { content: 'Your order is on its way' },
					form: [
						{ label: '客户', value: '某某公司' },
						{ label: 'Amount', value: '¥ 1,299.00' },
					],
					remark: { content: '预计 3 天内送达' },
					link: { title: 'Open', url: 'fs://CRM/udobj?x=1' },
				},
			}),
		);
		expect(out.map(pairedIndex)).toEqual([0, 1]);
		expect(out.map((i) => i.json)).toEqual([withRecipients(readme), withRecipients(full)]);
		expect(readme.response.body.errorCode).toBe(0);
	});

	test('Send as Service Account: text (README), composite, image-text and Raw JSON reach /cgi/app/message/send with serviceId', () => {
		const appSends = sent('appSend');
		expect(appSends).toHaveLength(4);
		const find = (/** @type {(b: any) => boolean} */ match) => appSends.find((r) => match(bodyOf(r)));
		const text = find((b) => b.msgType === 'text' && b.text.content === '稍后撤回');
		expect(text.rawBody).toBe('{"serviceId":"FSAID_demo_service","toUser":["1000"],"msgType":"text","text":{"content":"稍后撤回"}}');
		const card = find((b) => b.msgType === 'composite');
		expect(card.rawBody).toBe(
			JSON.stringify({
				serviceId: DEMO.serviceId,
				toUser: ['1000', '1001'],
				msgType: 'composite',
				composite: { head: { title: `SA 卡片 ${TAG}` }, form: [{ label: '状态', value: '已发货' }], remark: { content: 'r' }, link: { title: 'Open', url: 'https://example.com/sa' } },
			}),
		);
		const mediaId = sent('upload')[0].response.body.mediaId;
		const articles = find((b) => b.msgType === 'articles');
		expect(articles.rawBody).toBe(
			JSON.stringify({
				serviceId: DEMO.serviceId,
				toUser: ['1002'],
				msgType: 'articles',
				articles: [{ title: `SA 图文 ${TAG}`, description: 'desc', coverImage: mediaId, type: 'URL', content: 'https://example.com/sa-article' }],
			}),
		);
		const raw = find((b) => b.msgType === 'text' && b.text.content !== '稍后撤回');
		// Raw JSON: the body as given (pretty-printed there), plus serviceId, in one request
		expect(raw.rawBody).toBe(JSON.stringify({ serviceId: DEMO.serviceId, toUser: ['1000', '1001'], msgType: 'text', text: { content: `原样 JSON ${TAG} ✓` } }));
		// Fxiaoke documents no messageId in the reply (the sandbox's default): the output is the reply as it came
		// (every send lists its recipients, but Raw JSON, whose body is sent as given)
		for (const [node, request] of [['SA Text README', text], ['SA Composite', card], ['SA Articles', articles], ['SA Raw JSON', raw]]) {
			expect(request.response.body.errorCode).toBe(0);
			expect(jsonOf(wf.messages, node)).toEqual([node === 'SA Raw JSON' ? request.response.body : withRecipients(request)]);
		}
		expect(sb.sent.filter((s) => s.endpoint === 'appSend').map((s) => s.serviceId)).toEqual([DEMO.serviceId, DEMO.serviceId, DEMO.serviceId, DEMO.serviceId]);
	});

	test('Recipients Are "E-Mail Addresses": one Personnel lookup of both addresses, one send to the employees found', () => {
		const [a, b] = pick.mailTo;
		const lookups = queriesOf('PersonnelObj').filter((q) => filtersOf([q])[0].some((f) => f.field_name === 'email' && f.operator === 'IN' && f.field_values.includes(a.email)));
		// one query: each address in lower case and, where written otherwise, as written
		expect(lookups).toHaveLength(1);
		const [[asked]] = filtersOf(lookups);
		expect(asked).toMatchObject({ field_name: 'email', operator: 'IN' });
		expect(asked.field_values).toEqual(expect.arrayContaining([a.email, b.email]));
		expect(new Set(asked.field_values.map((/** @type {string} */ v) => v.toLowerCase()))).toEqual(new Set([a.email, b.email]));
		const sends = sent('send').filter((r) => bodyOf(r).text?.content === `e-mail ${TAG}`);
		expect(sends.map((r) => r.rawBody)).toEqual([JSON.stringify({ toUser: [a.employeeId, b.employeeId], msgType: 'text', text: { content: `e-mail ${TAG}` } })]);
		expect(jsonOf(wf.messages, 'Text by E-Mail')).toEqual([
			{
				...withRecipients(sends[0]),
				resolvedRecipients: [
					{ value: a.email, employeeId: a.employeeId, name: a.name },
					{ value: b.email, employeeId: b.employeeId, name: b.name },
				],
			},
		]);
	});

	test('Convert User IDs / Convert Media IDs: the flags reach Fxiaoke only when on; README\'s text example without them', () => {
		const byContent = (/** @type {string} */ content) => sent('send').filter((r) => bodyOf(r).text?.content === content);
		const readme = byContent('会议改到 15:00 📅');
		expect(readme.map((r) => r.rawBody)).toEqual(['{"toUser":["1000","1001"],"msgType":"text","text":{"content":"会议改到 15:00 📅"}}']);
		expect(jsonOf(wf.messages, 'Text README')).toEqual([withRecipients(readme[0])]);

		const users = byContent(`convertUserId ${TAG}`);
		expect(users.map((r) => r.rawBody)).toEqual([
			JSON.stringify({ toUser: [openUserIdOf('1001'), openUserIdOf('1002')], msgType: 'text', text: { content: `convertUserId ${TAG}` }, convertUserId: true }),
		]);
		expect(jsonOf(wf.messages, 'Text Convert User IDs')).toEqual([withRecipients(users[0])]);

		// the cover: a Media ID from an Upload Image earlier in the workflow
		const uploads = sent('upload');
		expect(uploads).toHaveLength(1);
		const png = Buffer.from(PIXEL_PNG, 'base64');
		expect(uploads[0].body.files).toEqual([expect.objectContaining({ field: 'media', filename: 'pixel.png', size: png.length, sha256: crypto.createHash('sha256').update(png).digest('hex') })]);
		const [uploaded] = jsonOf(wf.messages, 'Upload Cover');
		expect(uploaded).toEqual(uploads[0].response.body);
		expect(uploaded.mediaId).toEqual(expect.any(String));
		const articles = sent('send').filter((r) => bodyOf(r).msgType === 'articles');
		expect(articles.map((r) => r.rawBody)).toEqual([
			JSON.stringify({
				toUser: ['1000'],
				msgType: 'articles',
				articles: [{ title: `图文 ${TAG}`, coverImage: uploaded.mediaId, coverImageInContent: true, type: 'TEXT', content: 'Body 正文' }],
				convertMediaId: true,
			}),
		]);
		expect(jsonOf(wf.messages, 'Articles Convert Media IDs')).toEqual([withRecipients(articles[0])]);
	});

	test('1,201 recipients (duplicates and blanks dropped): chunks of 500, 500 and 201 in order, each recipient delivered once', () => {
		const ids = pick.chunkIds;
		const chunks = sent('send').filter((r) => bodyOf(r).text?.content === `chunks ${TAG}`);
		expect(chunks.map((r) => bodyOf(r).toUser.length)).toEqual([500, 500, 201]);
		expect(chunks.flatMap((r) => bodyOf(r).toUser)).toEqual(ids);
		expect(chunks.map((r) => r.response.body.errorCode)).toEqual([0, 0, 0]);
		expect(ids.filter((id) => sb.recipientDeliveries.get(id) !== 1)).toEqual([]);
		const out = outputOf(wf.messages, 'Text 1201');
		expect(out.map(pairedIndex)).toEqual([0]);
		expect(out[0].json).toEqual({
			errorCode: 0,
			recipientCount: 1201,
			chunkCount: 3,
			chunks: chunks.map((r, i) => ({ chunk: i + 1, from: i * 500 + 1, to: Math.min((i + 1) * 500, 1201), toUser: bodyOf(r).toUser, response: r.response.body })),
			recipients: ids,
		});
	});

	test('Revoke: a constant Service ID with a Message ID per item, and a Service ID that differs per item: each item its own values', () => {
		const revokes = sent('revoke').map((r) => ({ body: bodyOf(r), errorCode: r.response.body.errorCode }));
		const sortById = (/** @type {any[]} */ list) => [...list].sort((x, y) => x.body.messageId.localeCompare(y.body.messageId));
		expect(sortById(revokes)).toEqual(
			sortById([
				...pick.revokeDemo.map((messageId) => ({ body: { serviceId: DEMO.serviceId, messageId }, errorCode: 0 })),
				...pick.revokeMixed.map((m) => ({ body: m, errorCode: 0 })),
			]),
		);
		for (const id of pick.revokeDemo) expect(sb.messages.get(id)).toMatchObject({ serviceId: DEMO.serviceId, revoked: true, revokedCount: 1, revokeAttempts: 1 });
		for (const m of pick.revokeMixed) expect(sb.messages.get(m.messageId)).toMatchObject({ serviceId: m.serviceId, revoked: true, revokedCount: 1, revokeAttempts: 1 });
		for (const node of ['Revoke Constant Service', 'Revoke Service per Item']) {
			const out = outputOf(wf.revokes, node);
			expect(out.map(pairedIndex)).toEqual([0, 1, 2]);
			expect(out.map((i) => fieldsOf(i).errorCode)).toEqual([0, 0, 0]);
		}
	});

	test('Employee → Find by e-mail (in capitals) and by name (two people share it): the lookups sent, the employees output', () => {
		const e = pick.findByMail;
		expect(jsonOf(wf.directory, 'Find by E-Mail')).toEqual([employee(e)]);
		const twins = everyone().filter((p) => FX.duplicateName.employeeIds.includes(p.employeeId));
		expect(jsonOf(wf.directory, 'Find by Name').sort(byEmployeeId)).toEqual(twins.map(employee).sort(byEmployeeId));
		const filters = filtersOf(queriesOf('PersonnelObj'));
		expect(filters).toContainEqual([{ field_name: 'email', field_values: [e.email, e.email.toUpperCase()], operator: 'IN' }]);
		expect(filters).toContainEqual([{ field_name: 'name', field_values: [FX.duplicateName.name], operator: 'EQ' }]);
	});

	test('Employee → Get, and Get Many of a department with and without its sub-departments, and of the whole company', () => {
		const [noEmail] = everyone().filter((p) => p.employeeId === FX.noEmail.employeeId);
		expect(jsonOf(wf.directory, 'Get Employee')).toEqual([{ ...employee(noEmail), email: null }]);
		const { departmentId, descendantIds } = FX.departmentWithChildren;
		const withSubs = jsonOf(wf.directory, 'Members with Sub-Departments');
		expect(withSubs.sort(byEmployeeId)).toEqual(memberOf([departmentId, ...descendantIds]));
		expect(withSubs).toHaveLength(FX.departmentWithChildren.allMembers);
		const direct = jsonOf(wf.directory, 'Members Only');
		expect(direct.sort(byEmployeeId)).toEqual(memberOf([departmentId]));
		expect(direct).toHaveLength(FX.departmentWithChildren.directMembers);
		const company = jsonOf(wf.directory, 'Whole Company');
		expect(company.sort(byEmployeeId)).toEqual(everyone().map(employee).sort(byEmployeeId));
		expect(company).toHaveLength(FX.employeeCount);
		// what Personnel was asked: by user_id, by the department and those below it, by the department alone
		const filters = filtersOf(queriesOf('PersonnelObj'));
		expect(filters).toContainEqual([{ field_name: 'user_id', field_values: [FX.noEmail.employeeId], operator: 'EQ' }]);
		// (each page of a Get Many repeats its filter, so distinct ones)
		const inDepartments = new Set(
			filters
				.flat()
				.filter((f) => f.field_name === 'main_department')
				.map((f) => JSON.stringify({ ...f, field_values: [...f.field_values].sort() })),
		);
		expect([...inDepartments].map((f) => JSON.parse(f)).sort((x, y) => x.field_values.length - y.field_values.length)).toEqual([
			{ field_name: 'main_department', field_values: [String(departmentId)], operator: 'IN' },
			{ field_name: 'main_department', field_values: [departmentId, ...descendantIds].map(String).sort(), operator: 'IN' },
		]);
	});

	test('Department → Get, Get Many of all, and Get Many below one department', () => {
		const departments = [...sb.directory.departments.values()];
		const leaf = departments.find((d) => d.id === FX.leafDepartment.departmentId);
		expect(jsonOf(wf.directory, 'Get Department')).toEqual([department(leaf)]);
		expect(department(leaf)).toMatchObject({ name: FX.leafDepartment.name, parentId: String(FX.leafDepartment.parentId), status: 'enabled' });
		const byId = (/** @type {any} */ a, /** @type {any} */ b) => a.departmentId.localeCompare(b.departmentId);
		const all = jsonOf(wf.directory, 'All Departments');
		expect(all.sort(byId)).toEqual(departments.map(department).sort(byId));
		expect(all).toHaveLength(FX.departmentCount);
		expect(all.find((d) => d.departmentId === String(FX.stoppedDepartment.departmentId)).status).toBe('disabled');
		const children = jsonOf(wf.directory, 'Sub-Departments');
		expect(children.map((d) => d.departmentId).sort()).toEqual(FX.departmentWithChildren.childIds.map(String).sort());
		const filters = filtersOf(queriesOf('DepartmentObj'));
		expect(filters).toContainEqual([{ field_name: 'department_id', field_values: [String(FX.leafDepartment.departmentId)], operator: 'EQ' }]);
		expect(filters).toContainEqual([{ field_name: 'parent_id', field_values: [String(FX.departmentWithChildren.departmentId)], operator: 'IN' }]);
	});

	test('CRM Get Many with a sort: pages by offset, records in the order Fxiaoke sent them (and a limit with a descending sort)', () => {
		const names = Array.from({ length: SORTED }, (_, i) => `Sorted-${String(i).padStart(3, '0')}`);
		const contacts = queriesOf('ContactObj');
		const info = (/** @type {number} */ offset, /** @type {number} */ limit, /** @type {boolean} */ asc, filtered = true) => ({
			limit,
			fieldProjection: ['_id', 'name'],
			offset,
			filters: filtered ? [{ field_name: 'name', field_values: ['Sorted-'], operator: 'STARTWITH' }] : [],
			orders: [
				{ fieldName: 'name', isAsc: asc },
				{ fieldName: '_id', isAsc: true },
			],
		});
		const sorted = contacts.filter((q) => bodyOf(q).data.search_query_info.orders[0].isAsc);
		expect(sorted.map((q) => bodyOf(q).data)).toEqual([
			{ dataObjectApiName: 'ContactObj', find_explicit_total_num: true, search_query_info: info(0, 100, true) },
			{ dataObjectApiName: 'ContactObj', find_explicit_total_num: false, search_query_info: info(100, 100, true) },
		]);
		const out = jsonOf(wf.crm, 'Contacts Sorted');
		expect(out.map((r) => r.name)).toEqual(names);
		expect(out).toEqual(sorted.flatMap((q) => q.response.body.data.dataList));
		expect(new Set(out.map((r) => r._id))).toEqual(new Set(pick.contacts));

		const top = contacts.filter((q) => !bodyOf(q).data.search_query_info.orders[0].isAsc);
		expect(top.map((q) => bodyOf(q).data)).toEqual([{ dataObjectApiName: 'ContactObj', find_explicit_total_num: false, search_query_info: info(0, 5, false, false) }]);
		expect(jsonOf(wf.crm, 'Contacts Top 5').map((r) => r.name)).toEqual(names.slice(-5).reverse());
		expect(jsonOf(wf.crm, 'Contacts Top 5')).toEqual(top[0].response.body.data.dataList);
	});

	test(`CRM Get Many with a sort over ${TOO_MANY} records fails before the first record: one query, the error item says why`, () => {
		const leads = queriesOf('LeadsObj');
		expect(leads).toHaveLength(1);
		expect(bodyOf(leads[0]).data).toEqual({
			dataObjectApiName: 'LeadsObj',
			find_explicit_total_num: true,
			search_query_info: { limit: 100, offset: 0, filters: [], orders: [{ fieldName: 'name', isAsc: true }, { fieldName: '_id', isAsc: true }] },
		});
		expect(leads[0].response.body).toMatchObject({ errorCode: 0, data: { total: TOO_MANY } });
		const out = outputOf(wf.crm, 'Leads Sorted');
		expect(out.map(pairedIndex)).toEqual([0]);
		expect(out[0].json).toEqual({
			error: `${TOO_MANY} records match, more than a sorted query can page through, in item 0`,
			details: {
				description: 'Fxiaoke refuses offsets above 10000. Remove the sort (records then come in _id order, all of them), narrow the filters, or set a limit of at most 10100.',
			},
		});
	});

	test('CRM Create: README\'s example body, byte-exact', () => {
		const creates = sent('crm.create').filter((r) => bodyOf(r).data.object_data.dataObjectApiName === 'AccountObj');
		expect(creates.map((r) => r.rawBody)).toEqual([
			'{"triggerApprovalFlow":true,"triggerWorkFlow":true,"data":{"object_data":{"dataObjectApiName":"AccountObj","name":"Acme","employees":"12","account_level":"1"}}}',
		]);
		const [created] = jsonOf(wf.crm, 'Create README');
		expect(created).toEqual(creates[0].response.body);
		expect(sb.crm.objects.get('AccountObj').records.get(created.dataId)).toMatchObject({ name: 'Acme', employees: '12', account_level: '1' });
	});

	test('a custom object (object_ticket__c): create, get, update, get many and delete go to /cgi/crm/custom/v2/data/*', () => {
		const api = 'object_ticket__c';
		// (a create or update names the object under data.object_data, the others under data)
		const mine = requests.filter((r) => r.endpoint.startsWith('crm.') && r.endpoint !== 'crm.describe' && r.rawBody?.includes(`"${api}"`));
		const [created] = jsonOf(wf.crm, 'Create Ticket');
		const id = created.dataId;
		expect(mine.map((r) => `${r.endpoint} ${r.path}`)).toEqual(
			['create', 'get', 'update', 'query', 'invalid', 'delete'].map((action) => `crm.custom.${action} /cgi/crm/custom/v2/data/${action}`),
		);
		const [create, get, update, , invalid, remove] = mine.map(bodyOf);
		expect(create).toEqual({
			triggerApprovalFlow: true,
			triggerWorkFlow: true,
			data: {
				object_data: {
					dataObjectApiName: api,
					name: pick.ticketName,
					field_priority__c: 'p1',
					field_count__c: '3',
					field_due__c: Date.parse('2026-12-24T10:00:00Z'),
					field_done__c: false,
					owner: ['1001'],
				},
			},
		});
		expect(get).toEqual({ data: { dataObjectApiName: api, objectDataId: id } });
		expect(update).toEqual({ triggerApprovalFlow: true, triggerWorkFlow: true, data: { object_data: { _id: id, dataObjectApiName: api, field_count__c: '4', field_done__c: true } } });
		expect(invalid).toEqual({ data: { dataObjectApiName: api, object_data_id: id } });
		expect(remove).toEqual({ data: { dataObjectApiName: api, idList: [id] } });
		expect(mine.map((r) => r.response.body.errorCode)).toEqual([0, 0, 0, 0, 0, 0]);

		expect(created).toMatchObject({ errorCode: 0, dataId: expect.any(String) });
		expect(jsonOf(wf.crm, 'Get Ticket')).toEqual([
			expect.objectContaining({ _id: id, name: pick.ticketName, field_priority__c: 'p1', field_count__c: '3', field_due__c: Date.parse('2026-12-24T10:00:00Z'), field_done__c: false, owner: ['1001'] }),
		]);
		expect(jsonOf(wf.crm, 'Update Ticket')).toEqual([{ ...mine[2].response.body, dataId: id }]);
		expect(jsonOf(wf.crm, 'Find Ticket')).toEqual([expect.objectContaining({ _id: id, field_count__c: '4', field_done__c: true })]);
		expect(jsonOf(wf.crm, 'Delete Ticket')).toEqual([{ ...mine[5].response.body, dataId: id, deleted: 'permanently' }]);
		expect(sb.crm.writes.filter((w) => w.id === id).map((w) => `${w.apiName} ${w.action}`)).toEqual(['create', 'update', 'invalid', 'delete'].map((a) => `${api} ${a}`));
		expect(sb.crm.objects.get(api).records.has(id)).toBe(false);
	});

	describe('Fetch Test Event (a manual execution of the trigger, through n8n start)', () => {
		const server = useN8nServer(() => home);
		/** @type {Record<string, { status: string, items: any[], requests: any[] }>} */
		const fetched = {};

		/** What the editor's Fetch Test Event button asks n8n for: a manual run to the trigger. @param {string} trigger */
		async function fetchTestEvent(trigger) {
			const before = sb.requests.length;
			const started = await restRequest(home.port, 'POST', `/rest/workflows/${wf.triggers.id}/run`, { triggerToStartFrom: { name: trigger }, destinationNode: { nodeName: trigger, mode: 'inclusive' } }, server.cookie);
			const executionId = started.json?.data?.executionId;
			if (started.status !== 200 || !executionId) throw new Error(`Fetch Test Event of "${trigger}" did not start: ${started.status} ${started.text.slice(0, 500)}`);
			const flatted = require(path.join(home.n8n.dir, 'node_modules', 'flatted'));
			const deadline = Date.now() + RUN_TIMEOUT;
			for (;;) {
				const got = await restRequest(home.port, 'GET', `/rest/executions/${executionId}`, undefined, server.cookie);
				const execution = got.json?.data;
				if (execution && ['success', 'error', 'crashed', 'canceled'].includes(execution.status)) {
					const data = flatted.parse(execution.data);
					const items = data.resultData.runData[trigger]?.[0]?.data?.main?.[0] ?? [];
					return { status: execution.status, items, requests: sb.requests.slice(before) };
				}
				if (Date.now() > deadline) throw new Error(`execution ${executionId} of "${trigger}" did not finish: ${got.status} ${got.text.slice(0, 500)}`);
				await sleep(200);
			}
		}

		beforeAll(async () => {
			for (const trigger of ['Created', 'Updated', 'Created or Updated', 'No Records']) fetched[trigger] = await fetchTestEvent(trigger);
		}, RUN_TIMEOUT);

		/** The one query a Fetch Test Event sends: the newest matching record by the event's time field. @param {string} apiName @param {string} timeField @param {boolean} filtered */
		const newestQuery = (apiName, timeField, filtered) => ({
			dataObjectApiName: apiName,
			find_explicit_total_num: false,
			search_query_info: {
				limit: 100,
				offset: 0,
				filters: filtered ? [{ field_name: 'name', field_values: ['Fetch-'], operator: 'STARTWITH' }] : [],
				orders: [
					{ fieldName: timeField, isAsc: false },
					{ fieldName: '_id', isAsc: false },
				],
			},
		});

		test(
			'the newest matching record: by creation for Record Created, by last change for Record Updated and Created or Updated',
			() => {
				const t0 = pick.t0;
				const a = { _id: pick.fetchA, name: 'Fetch-A', remark: 'changed after B', create_time: t0, last_modified_time: t0 + 30_000 };
				const b = { _id: pick.fetchB, name: 'Fetch-B', create_time: t0 + 1000, last_modified_time: t0 + 1000 };
				const cases = [
					['Created', 'create_time', b],
					['Updated', 'last_modified_time', a],
					['Created or Updated', 'last_modified_time', a],
				];
				for (const [trigger, timeField, record] of cases) {
					const { status, items, requests: asked } = fetched[/** @type {string} */ (trigger)];
					expect({ trigger, status }).toEqual({ trigger, status: 'success' });
					expect(items.map((i) => i.json)).toEqual([expect.objectContaining(record)]);
					// Simplify: the object's fields only
					expect(items[0].json).not.toHaveProperty('tenant_id');
					const queries = asked.filter((r) => r.endpoint === 'crm.query');
					expect(queries.map((q) => bodyOf(q).data)).toEqual([newestQuery('AccountObj', /** @type {string} */ (timeField), true)]);
					expect(queries[0].response.body.data.dataList[0]._id).toBe(/** @type {any} */ (record)._id);
				}
			},
			RUN_TIMEOUT,
		);

		test(
			'an object without records: the trigger emits nothing',
			() => {
				const { items, requests: asked } = fetched['No Records'];
				expect(items).toEqual([]);
				const queries = asked.filter((r) => r.endpoint === 'crm.query');
				expect(queries.map((q) => bodyOf(q).data)).toEqual([newestQuery('NewOpportunityObj', 'last_modified_time', false)]);
				expect(queries[0].response.body).toMatchObject({ errorCode: 0, data: { dataList: [] } });
			},
			RUN_TIMEOUT,
		);
	});
});
