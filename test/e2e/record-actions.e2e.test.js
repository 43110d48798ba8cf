'use strict';
/**
 * Record actions end to end: the packed package in a real n8n (2.41.1 by default, or
 * $N8N_E2E_VERSION) against the sandbox, in one execution of one workflow (each `n8n execute`
 * costs a start of n8n):
 *
 *   HTTP Request downloads a PDF → Create an opportunity with the PDF in its file field (upload
 *   credential, signed upload) → Download File → Crypto hashes the downloaded binary (byte for byte)
 *   → Add Team Members by mobile number → Lock → an Update is refused (Fxiaoke's error, the run goes
 *   on) → Unlock → Move Stage → Add Sales Record → Delete → Recover → Custom Function → Call;
 * and examples/deal-won.json as shipped, its trigger's item given by a Set node of the same name
 * (the trigger itself is proven in trigger.e2e: polling costs a minute).
 *
 * Requires `npm run build` first (dist/).
 */
const crypto = require('node:crypto');
const { importCredentials, importWorkflow, executeWorkflowRaw, getNodeOutput } = require('../support/n8n');
const { bindWorkflowCredential, buildCredential, chainWorkflow, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { SAMPLE_FILES } = require('../../sandbox/sample-files');
const { fieldsOf } = require('../support/items');
const { useE2e, throwIfFailed, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');

const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const byApiName = (value) => ({ __rl: true, mode: 'id', value });
const DEAL = "={{ $('Create Deal').item.json.dataId }}";
const LOCKED_CODE = 320002001; // the sandbox's code for a locked record (Fxiaoke documents none)

describe(`Fxiaoke record actions in a real n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {Record<string, any>} */
	let wf;
	/** @type {Record<string, any>} */
	let example;
	let account = '';
	let wonDeal = '';

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, home } = e2e);
		const cred = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, name: 'Fxiaoke record actions' });
		await importCredentials(home, [cred]);
		account = sb.crm.put('AccountObj', { name: 'E2E Contract Account' });
		/** @param {string} name @param {Record<string, unknown>} parameters @param {Record<string, unknown>} [more] */
		const fx = (name, parameters, more = {}) => ({
			name,
			type: FXIAOKE_NODE_TYPE,
			parameters: { resource: 'crmObject', objectApiName: byApiName('NewOpportunityObj'), ...parameters, options: FAST },
			credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
			...more,
		});
		const mapper = (value) => ({ mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] });
		wf = chainWorkflow({
			name: 'Record actions',
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
				{
					name: 'Download PDF',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: { url: `${e2e.baseUrl}/sandbox/files/contract.pdf`, options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } } },
				},
				fx('Create Deal', { operation: 'create', fields: mapper({ name: 'E2E Deal', account_id: account, close_date: '2027-06-30', amount: '80000', contract_files: 'data' }) }),
				fx('Download Contract', { operation: 'downloadFile', recordId: '={{ $json.dataId }}', fileField: 'contract_files', binaryPropertyName: 'data' }),
				{ name: 'Hash', type: 'n8n-nodes-base.crypto', parameters: { action: 'hash', type: 'SHA256', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'sha256', encoding: 'hex' } },
				fx('Add Member', { operation: 'addTeamMembers', recordId: DEAL, memberType: 'mobileNumbers', teamMembers: '13800001002', teamMemberRole: '2', teamMemberPermission: '2' }),
				fx('Lock', { operation: 'lock', recordId: DEAL }),
				fx('Update While Locked', { operation: 'update', recordId: DEAL, fields: mapper({ amount: '1' }) }, { onError: 'continueRegularOutput' }),
				fx('Unlock', { operation: 'unlock', recordId: DEAL }),
				fx('Move to Won', { operation: 'moveStage', recordId: DEAL, stage: { __rl: true, mode: 'id', value: 'Won' } }),
				fx('Log Sales Record', { operation: 'addSalesRecord', recordId: DEAL, fields: mapper({ active_record_content: 'Contract signed and attached', active_record_type: 'Other' }) }),
				fx('Delete', { operation: 'delete', recordId: DEAL }),
				fx('Recover', { operation: 'recover', recordId: DEAL }),
				{
					name: 'Call Function',
					type: FXIAOKE_NODE_TYPE,
					parameters: {
						resource: 'customFunction',
						operation: 'call',
						functionApiName: 'func_echo__c',
						parameterRows: { parameter: [{ name: 'dealId', type: 'String', value: DEAL }, { name: 'amount', type: 'Number', value: '80000' }] },
						options: FAST,
					},
					credentials: { [CREDENTIAL_TYPE]: { id: cred.id, name: cred.name } },
				},
			],
		});

		// The example, with the sandbox's address, and the item its trigger would give for a deal just won.
		wonDeal = sb.crm.put('NewOpportunityObj', { name: 'E2E Won Deal', account_id: account, close_date: Date.UTC(2027, 5, 30), sales_stage: '3', owner: ['1000'] });
		sb.crm.objects.get('NewOpportunityObj').records.get(wonDeal).relevant_team = [{ teamMemberEmployee: ['1003'], teamMemberRole: '4', teamMemberPermissionType: '1' }];
		const shipped = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, '../../examples/deal-won.json'), 'utf8'));
		example = bindWorkflowCredential(shipped, cred, { id: 'fxkDealWonE2e' });
		const deal = sb.crm.objects.get('NewOpportunityObj').records.get(wonDeal);
		for (const n of example.nodes) {
			if (n.name === 'Download the contract') n.parameters.url = n.parameters.url.replace('http://127.0.0.1:8787', e2e.baseUrl);
			if (n.name === 'Deal updated') Object.assign(n, { type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify(deal), options: {} }, credentials: undefined });
		}
		example.nodes.push({ id: crypto.randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 0], parameters: {} });
		example.connections.Start = { main: [[{ node: 'Deal updated', type: 'main', index: 0 }]] };
		await importWorkflow(home, [wf, example]);
	});

	test(
		'a downloaded PDF attached to a new opportunity and downloaded again byte for byte; a member added by mobile; lock refuses an update until unlocked; stage, sales record, delete → recover, a function call',
		async () => {
			const runData = throwIfFailed(await executeWorkflowRaw(home, wf.id, { timeoutMs: RUN_TIMEOUT })).run;
			const out = (/** @type {string} */ node) => getNodeOutput(runData, node).items.map(fieldsOf);
			const pdf = SAMPLE_FILES['contract.pdf'].bytes;
			const [created] = out('Create Deal');
			const id = created.dataId;
			expect(created.errorCode).toBe(0);
			const deal = () => sb.crm.objects.get('NewOpportunityObj').records.get(id);

			// the file: uploaded once (credential, signed upload), stored byte for byte, downloaded byte for byte
			const [file] = deal().contract_files;
			expect(file).toMatchObject({ filename: 'contract.pdf', ext: 'pdf', size: pdf.length });
			expect(sb.files.get(file.path).bytes.equals(pdf)).toBe(true);
			expect(sb.requests.filter((r) => r.endpoint === 'fs.upload')).toHaveLength(1);
			const [downloaded] = out('Download Contract');
			expect(downloaded).toMatchObject({ dataId: id, fileCount: 1, files: [{ filename: 'contract.pdf', binaryProperty: 'data', size: pdf.length }] });
			expect(out('Hash')[0].sha256).toBe(crypto.createHash('sha256').update(pdf).digest('hex'));

			// the team member given by mobile number, sent as an employee ID
			expect(out('Add Member')[0]).toMatchObject({ members: ['1002'], resolvedMembers: [{ value: '13800001002', employeeId: '1002' }] });
			expect(deal().relevant_team).toEqual(expect.arrayContaining([{ teamMemberEmployee: ['1002'], teamMemberRole: '2', teamMemberPermissionType: '2' }]));

			// locked: the update is Fxiaoke's error and changes nothing; unlocked afterwards
			expect(out('Lock')[0]).toMatchObject({ locked: true });
			const [refused] = out('Update While Locked');
			expect(refused.errorCode).toBe(LOCKED_CODE);
			expect(deal().amount).toBe('80000');
			expect(out('Unlock')[0]).toMatchObject({ locked: false });
			expect(deal().lock_status).toBe('0');

			expect(out('Move to Won')[0]).toMatchObject({ stage: 'Won', stageId: 'stage_won', previousStageId: 'stage_discovery' });
			expect(deal().sales_stage).toBe('3');
			const [logged] = out('Log Sales Record');
			expect(sb.crm.objects.get('ActiveRecordObj').records.get(logged.dataId)).toMatchObject({ new_opportunity_id: id, active_record_type: '4', active_record_content: 'Contract signed and attached' });

			// deleted to the recycle bin, then back
			expect(out('Recover')[0]).toMatchObject({ errorCode: 0, recovered: true });
			expect(deal().life_status).toBe('normal');
			expect(sb.crm.writes.filter((w) => w.id === id).map((w) => w.action)).toEqual(expect.arrayContaining(['create', 'invalid', 'recover']));

			const [called] = out('Call Function');
			expect(called).toMatchObject({ errorCode: 0, data: { dealId: id, amount: 80000 } });
			expect(sb.functions.runs.get('func_echo__c')).toBe(1);
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/deal-won.json: the won deal gets the contract, is locked, gets a sales record, and its owner and team a message',
		async () => {
			const runData = throwIfFailed(await executeWorkflowRaw(home, example.id, { timeoutMs: RUN_TIMEOUT })).run;
			expect(getNodeOutput(runData, 'Tell the team').items.map(fieldsOf)[0]).toMatchObject({ errorCode: 0 });
			const deal = sb.crm.objects.get('NewOpportunityObj').records.get(wonDeal);
			expect(sb.files.get(deal.contract_files[0].path).bytes.equals(SAMPLE_FILES['contract.pdf'].bytes)).toBe(true);
			expect(deal.lock_status).toBe('1');
			const logs = [...sb.crm.objects.get('ActiveRecordObj').records.values()].filter((r) => r.new_opportunity_id === wonDeal);
			expect(logs.map((r) => r.active_record_content)).toEqual(['Won: E2E Won Deal. Contract attached, record locked.']);
			const sent = sb.requests.filter((r) => r.endpoint === 'appSend' && JSON.stringify(r.body).includes('E2E Won Deal'));
			expect(sent.map((r) => r.body.toUser)).toEqual([['1000', '1003']]);
		},
		RUN_TIMEOUT,
	);
});
