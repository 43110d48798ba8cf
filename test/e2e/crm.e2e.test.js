'use strict';
/**
 * CRM Object end to end: the packed package in a real n8n (2.41.1 by default, or $N8N_E2E_VERSION)
 * against the sandbox's CRM.
 *
 *   1. one workflow creates records (Map Automatically from the items), finds them (Get Many with a
 *      filter, executed once), and deletes them for good, one Delete per record found;
 *   2. create, then Get, Update (fields defined below, with expressions) and Change Owner of that record;
 *      upsert: one item updates the record it matches, one creates a record;
 *   3. Get Many with Return All reads 2,500 records through the _id cursor, past the deepest offset
 *      (lowered in the sandbox to 1,000; Fxiaoke's is 10,000, and 25,000 records run in-process): each exactly once;
 *   4. the editor's calls through n8n's REST API (logged in): the object list search and the resource
 *      mapper's fields, as the dialog loads them.
 *
 * Requires `npm run build` first (dist/).
 */
const { importCredentials, importWorkflow, executeWorkflowRaw, getNodeOutput, restRequest } = require('../support/n8n');
const { buildCredential, chainWorkflow, startWith, SPLIT_OUT, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf } = require('../support/items');
const { useE2e, useN8nServer, throwIfFailed, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');

/** Past the sandbox's deepest offset (CRM_MAX_OFFSET): offset paging would need offset 1,100. */
const LEADS = 2500;
const CRM_MAX_OFFSET = 1000;
/** Pacing out of the way (the paging run sends 251 queries). */
const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const byApiName = (value) => ({ __rl: true, mode: 'id', value });

describe(`Fxiaoke CRM Object in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {ReturnType<typeof buildCredential>} */
	let cred;
	/** @type {Record<string, any>} */
	const wf = {};
	/** @type {string[]} */
	let leadIds = [];

	/** A Fxiaoke node on the CRM Object resource. @param {string} name @param {Record<string, unknown>} parameters @param {Record<string, unknown>} [more] */
	const crmNode = (name, parameters, more = {}) => ({
		name,
		type: FXIAOKE_NODE_TYPE,
		parameters: { resource: 'crmObject', ...parameters, options: { ...FAST, ...(parameters.options ?? {}) } },
		credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
		...more,
	});

	/** @param {{ id: string }} workflow */
	async function run(workflow) {
		const r = await executeWorkflowRaw(home, workflow.id, { timeoutMs: RUN_TIMEOUT });
		return throwIfFailed(r).run;
	}

	useE2e({ version: VERSION, sandbox: { crmMaxOffset: CRM_MAX_OFFSET } }, async (e2e) => {
		({ sb, home } = e2e);
		cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke CRM' });
		await importCredentials(home, [cred]);
		leadIds = sb.crm.seed('LeadsObj', LEADS);

		const autoMap = { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] };
		wf.roundTrip = chainWorkflow({
			name: 'CRM create, find, delete',
			nodes: [
				...startWith({
					items: [
						{ name: 'E2E Acme', employees: 12, account_level: 'Key', annual_revenue: 2500.75 },
						{ name: 'E2E Beta', employees: 3, account_level: 'Small' },
					],
				}),
				SPLIT_OUT,
				crmNode('Create', { operation: 'create', objectApiName: byApiName('AccountObj'), fields: autoMap }),
				crmNode(
					'Find',
					{
						operation: 'getAll',
						objectApiName: byApiName('AccountObj'),
						returnAll: true,
						filters: { conditions: [{ field: 'name', operator: 'STARTWITH', value: 'E2E ' }] },
						simplify: true,
					},
					{ executeOnce: true },
				),
				crmNode('Delete', {
					operation: 'delete',
					objectApiName: byApiName('AccountObj'),
					recordId: '={{ $json._id }}',
					options: { deletePermanently: true },
				}),
			],
		});
		wf.getUpdate = chainWorkflow({
			name: 'CRM create, get, update, change owner',
			nodes: [
				...startWith({ items: [{ name: 'E2E Gamma', employees: 1 }] }),
				SPLIT_OUT,
				crmNode('Create Gamma', { operation: 'create', objectApiName: byApiName('AccountObj'), fields: autoMap }),
				crmNode('Get', { operation: 'get', objectApiName: byApiName('AccountObj'), recordId: '={{ $json.dataId }}' }),
				crmNode('Update', {
					operation: 'update',
					objectApiName: byApiName('AccountObj'),
					recordId: '={{ $json._id }}',
					fields: { mappingMode: 'defineBelow', value: { employees: '={{ $json.employees * 10 }}', account_level: '2' }, matchingColumns: [], schema: [] },
				}),
				crmNode('Change Owner', { operation: 'changeOwner', objectApiName: byApiName('AccountObj'), recordId: '={{ $json.dataId }}', ownerId: '1001' }),
			],
		});
		wf.upsert = chainWorkflow({
			name: 'CRM upsert',
			nodes: [
				...startWith({ items: [{ name: 'Known Contact', email: 'known@example.com', mobile: '139' }, { name: 'New Contact', email: 'new@example.com' }] }),
				SPLIT_OUT,
				crmNode('Upsert', {
					operation: 'upsert',
					objectApiName: byApiName('ContactObj'),
					fields: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['email'], schema: [] },
				}),
			],
		});
		wf.paging = chainWorkflow({
			name: `CRM Get Many ${LEADS}`,
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
				crmNode('All Leads', { operation: 'getAll', objectApiName: byApiName('LeadsObj'), returnAll: true, options: { fieldProjection: ['name'] } }),
				{
					name: 'Ids',
					type: 'n8n-nodes-base.aggregate',
					parameters: { aggregate: 'aggregateIndividualFields', fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: '_id' }] }, options: {} },
				},
			],
		});
		await importWorkflow(home, Object.values(wf));
	});

	test(
		'create (Map Automatically, values converted), Get Many with a filter, Delete Permanently per record found',
		async () => {
			const run1 = await run(wf.roundTrip);
			const created = getNodeOutput(run1, 'Create').items.map(fieldsOf);
			expect(created.map((c) => c.errorCode)).toEqual([0, 0]);
			const found = getNodeOutput(run1, 'Find').items.map(fieldsOf);
			expect(found.map((r) => r.name).sort()).toEqual(['E2E Acme', 'E2E Beta']);
			expect(found.map((r) => r._id).sort()).toEqual(created.map((c) => c.dataId).sort());
			const acme = found.find((r) => r.name === 'E2E Acme');
			expect(acme).toMatchObject({ employees: '12', account_level: '1', annual_revenue: '2500.75' });
			expect(acme).not.toHaveProperty('tenant_id');
			const deleted = getNodeOutput(run1, 'Delete').items.map(fieldsOf);
			expect(deleted.map((d) => d.deleted)).toEqual(['permanently', 'permanently']);
			const accounts = sb.crm.objects.get('AccountObj').records;
			expect(created.every((c) => !accounts.has(c.dataId))).toBe(true);
			// per record, in order (the items run concurrently): created, to the recycle bin, deleted
			for (const c of created) {
				expect(sb.crm.writes.filter((w) => w.id === c.dataId).map((w) => w.action)).toEqual(['create', 'invalid', 'delete']);
			}
		},
		RUN_TIMEOUT,
	);

	test(
		'create, Get by the new dataId, Update with fields defined below (expressions), Change Owner',
		async () => {
			const runData = await run(wf.getUpdate);
			const [created] = getNodeOutput(runData, 'Create Gamma').items.map(fieldsOf);
			const [got] = getNodeOutput(runData, 'Get').items.map(fieldsOf);
			expect(got).toMatchObject({ _id: created.dataId, name: 'E2E Gamma', employees: '1' });
			const [updated] = getNodeOutput(runData, 'Update').items.map(fieldsOf);
			expect(updated).toMatchObject({ errorCode: 0, dataId: created.dataId });
			const [owned] = getNodeOutput(runData, 'Change Owner').items.map(fieldsOf);
			expect(owned).toMatchObject({ errorCode: 0, owner: ['1001'] });
			expect(sb.crm.objects.get('AccountObj').records.get(created.dataId)).toMatchObject({ employees: '10', account_level: '2', owner: ['1001'] });
		},
		RUN_TIMEOUT,
	);

	test(
		'upsert on e-mail: the known contact is updated, the new one created',
		async () => {
			const [known] = sb.crm.seed('ContactObj', 1, () => ({ name: 'Known Contact', email: 'known@example.com', mobile: '100' }));
			const out = getNodeOutput(await run(wf.upsert), 'Upsert').items.map(fieldsOf);
			expect(out.map((o) => o.upsert)).toEqual(['updated', 'created']);
			expect(out[0].dataId).toBe(known);
			const contacts = sb.crm.objects.get('ContactObj').records;
			expect(contacts.get(known).mobile).toBe('139');
			expect(contacts.get(out[1].dataId)).toMatchObject({ name: 'New Contact', email: 'new@example.com' });
		},
		RUN_TIMEOUT,
	);

	test(
		`Get Many with Return All: ${LEADS} records through the _id cursor, each exactly once`,
		async () => {
			const before = sb.requests.length;
			const runData = await run(wf.paging);
			const [aggregated] = getNodeOutput(runData, 'Ids').items;
			expect(aggregated.json._id).toEqual(leadIds);
			const queries = sb.requests.slice(before).filter((r) => r.endpoint === 'crm.query');
			expect(queries).toHaveLength(Math.floor(LEADS / 100) + 1);
			expect(queries.every((r) => r.response.body.errorCode === 0 && r.body.data.search_query_info.offset === 0)).toBe(true);
		},
		RUN_TIMEOUT,
	);

	describe('the editor, through n8n\'s REST API', () => {
		const n8n = useN8nServer(() => home);

		/** @param {string} path @param {Record<string, unknown>} extra */
		const dynamic = (path, extra) =>
			restRequest(
				home.port,
				'POST',
				`/rest/dynamic-node-parameters/${path}`,
				{
					nodeTypeAndVersion: { name: FXIAOKE_NODE_TYPE, version: 1 },
					credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
					...extra,
				},
				n8n.cookie,
			);

		test(
			'the object list search and the resource mapper\'s fields of an object',
			async () => {
				const search = /** @type {any} */ (
					await dynamic('resource-locator-results', {
						path: 'parameters.objectApiName',
						methodName: 'searchObjects',
						filter: 'lead',
						currentNodeParameters: { resource: 'crmObject', operation: 'create', objectApiName: { __rl: true, mode: 'list', value: '' } },
					})
				);
				expect(search.status).toBe(200);
				expect(search.json.data.results).toEqual([
					{ name: 'Lead (LeadsObj)', value: 'LeadsObj' },
					{ name: 'Leads Pool (LeadsPoolObj)', value: 'LeadsPoolObj' },
				]);

				const mapper = /** @type {any} */ (
					await dynamic('resource-mapper-fields', {
						path: 'parameters.fields',
						methodName: 'getCreateFields',
						currentNodeParameters: { resource: 'crmObject', operation: 'create', objectApiName: { __rl: true, mode: 'list', value: 'NewOpportunityObj' } },
					})
				);
				expect(mapper.status).toBe(200);
				const fields = Object.fromEntries(mapper.json.data.fields.map((/** @type {any} */ f) => [f.id, f]));
				expect(fields.name).toMatchObject({ displayName: 'Opportunity Name (name)', required: true, type: 'string' });
				expect(fields.close_date).toMatchObject({ required: true, type: 'dateTime' });
				expect(fields.sales_stage.options).toEqual(expect.arrayContaining([{ name: 'Won', value: '3' }]));
			},
			RUN_TIMEOUT,
		);
	});
});
