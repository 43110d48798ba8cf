// Record actions beyond CRUD against the sandbox over real HTTP, with the node's own execute():
// Lock / Unlock (a locked record refuses updates), Recover from the recycle bin, and Custom
// Function → Call (parameters as rows or JSON, a fresh postId per item, the answer given whole).
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { createLoadOptionsContext, runNode, sandboxCredential, useSandbox } = require('./support/harness');

/** @type {any} */
let sandbox;
let baseUrl;

useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const object = (apiName) => ({ __rl: true, mode: 'id', value: apiName });
const requestsTo = (endpoint) => sandbox.requests.filter((r) => r.endpoint === endpoint);
const bodyOf = (r) => JSON.parse(r.rawBody);
const run = (parameters, perItem = [{}], extra = {}) =>
	runNode({ items: perItem.map(() => ({})), parameters: (i) => ({ options: FAST, ...parameters, ...perItem[i] }), credential: sandboxCredential(baseUrl), ...extra });
const crm = (operation, params) => ({ resource: 'crmObject', operation, objectApiName: object('AccountObj'), ...params });
const record = (id) => sandbox.crm.objects.get('AccountObj').records.get(id);

test('Lock → an update is refused with Fxiaoke\'s error → Unlock → the update goes through; detail objects as chosen', async () => {
	const id = sandbox.crm.put('AccountObj', { name: 'Signed' });
	const [locked] = await run(crm('lock', { recordId: id }));
	expect(locked[0].json).toEqual({ dataId: id, locked: true, detailObjects: true });
	expect(requestsTo('crm.lock').map((r) => [r.path, bodyOf(r)])).toEqual([['/cgi/crm/v2/object/lock', { data: { dataObjectApiName: 'AccountObj', dataIds: [id], detailObjStrategy: 1 } }]]);
	const update = crm('update', { recordId: id, fields: { mappingMode: 'defineBelow', value: { remark: 'changed' }, matchingColumns: [], schema: [] } });
	const refused = await run(update).catch((e) => e);
	expect(refused).toBeInstanceOf(NodeApiError);
	expect(refused.context.errorCode).toBe(320002001);
	expect(refused.message).toContain('locked');
	expect(record(id).remark).toBeUndefined();
	const [unlocked] = await run(crm('unlock', { recordId: id, includeDetails: false }));
	expect(unlocked[0].json).toEqual({ dataId: id, locked: false, detailObjects: false });
	expect(bodyOf(requestsTo('crm.unlock')[0]).data.detailObjStrategy).toBe(0);
	await run(update);
	expect(record(id).remark).toBe('changed');
});

test('a lock that got no answer after it was carried out is not repeated; the error says it may have been', async () => {
	const id = sandbox.crm.put('AccountObj', { name: 'Once' });
	sandbox.injectNext('resetAfterApply', 1, 'crm.lock');
	const error = await run(crm('lock', { recordId: id })).catch((e) => e);
	expect(error.context.maybeCarriedOut).toBe(true);
	expect(error.description).toContain('may have been carried out');
	expect(requestsTo('crm.lock')).toHaveLength(1);
	expect(record(id).lock_status).toBe('1');
});

test('Delete → Recover: the record is back; a record not in the recycle bin is Fxiaoke\'s error; custom objects by their own path', async () => {
	const id = sandbox.crm.put('AccountObj', { name: 'Deleted by mistake' });
	await run(crm('delete', { recordId: id }));
	expect(record(id).life_status).toBe('invalid');
	const [out] = await run(crm('recover', { recordId: id }));
	expect(out[0].json).toMatchObject({ errorCode: 0, dataId: id, recovered: true });
	expect(record(id).life_status).toBe('normal');
	expect(bodyOf(requestsTo('crm.recover')[0])).toEqual({ data: { dataObjectApiName: 'AccountObj', idList: [id] } });
	const again = await run(crm('recover', { recordId: id })).catch((e) => e);
	expect(again).toBeInstanceOf(NodeApiError);
	const ticket = sandbox.crm.put('object_ticket__c', { name: 'Ticket' });
	sandbox.crm.objects.get('object_ticket__c').records.get(ticket).life_status = 'invalid';
	await run({ resource: 'crmObject', operation: 'recover', objectApiName: object('object_ticket__c'), recordId: ticket });
	expect(requestsTo('crm.custom.recover')[0].path).toBe('/cgi/crm/custom/v2/data/recover');
	expect(sandbox.crm.objects.get('object_ticket__c').records.get(ticket).life_status).toBe('normal');
});

describe('Custom Function → Call', () => {
	const call = (params) => ({ resource: 'customFunction', operation: 'call', functionApiName: 'func_echo__c', ...params });

	test('parameters as rows, converted to their types; a fresh postId per item; the answer given whole (the function\'s return in data)', async () => {
		const rows = {
			parameterRows: {
				parameter: [
					{ name: 'data', type: 'Map', value: '{"amount": 120000}' },
					{ name: 'count', type: 'Number', value: '3' },
					{ name: 'urgent', type: 'Boolean', value: 'true' },
					{ name: 'note', type: 'String', value: 'hi' },
				],
			},
		};
		const [out] = await run(call(rows), [{}, {}]);
		const calls = requestsTo('function.call').map(bodyOf);
		expect(calls).toHaveLength(2);
		expect(calls[0]).toEqual({
			data: {
				api_name: 'func_echo__c',
				postId: expect.stringMatching(/^[0-9a-f-]{36}$/),
				parameters: [
					{ name: 'data', type: 'Map', value: { amount: 120000 } },
					{ name: 'count', type: 'Number', value: 3 },
					{ name: 'urgent', type: 'Boolean', value: true },
					{ name: 'note', type: 'String', value: 'hi' },
				],
			},
		});
		expect(calls[0].data.postId).not.toBe(calls[1].data.postId);
		expect(out[0].json).toMatchObject({ errorCode: 0, data: { data: { amount: 120000 }, count: 3, urgent: true, note: 'hi' }, functionApiName: 'func_echo__c', postId: calls[0].data.postId });
		expect(sandbox.functions.runs.get('func_echo__c')).toBe(2);
	});

	test('parameters as JSON; a failing function is Fxiaoke\'s error (sent once); bad parameters name the field, the parameter and the item, nothing sent', async () => {
		const [out] = await run(call({ parametersFrom: 'json', parametersJson: '[{"name": "data", "type": "Map", "value": {"a": 1}}]' }));
		expect(out[0].json.data).toEqual({ data: { a: 1 } });
		const failed = await run(call({ functionApiName: 'func_fail__c' })).catch((e) => e);
		expect(failed).toBeInstanceOf(NodeApiError);
		expect(failed.context.errorCode).toBe(320003500);
		expect(requestsTo('function.call').filter((r) => bodyOf(r).data.api_name === 'func_fail__c')).toHaveLength(1);
		const before = sandbox.requests.length;
		for (const [params, message] of [
			[{ functionApiName: 'func x' }, 'Function API Name (functionApiName) is not an API name (letters, digits and underscores) in item 0'],
			[{ parameterRows: { parameter: [{ name: '', type: 'String', value: 'x' }] } }, 'Parameter Rows (parameterRows) parameter 1 has no name in item 0'],
			[{ parameterRows: { parameter: [{ name: 'a', type: 'Map', value: '[1]' }] } }, 'Parameter Rows (parameterRows) parameter 1 (Map) is not a JSON object in item 0'],
			[{ parameterRows: { parameter: [{ name: 'a', type: 'Number', value: 'ten' }] } }, 'Parameter Rows (parameterRows) parameter 1 (Number) is not a number in item 0'],
			[{ parametersFrom: 'json', parametersJson: '{"a": 1}' }, 'Parameters (JSON) (parametersJson) must be a list of {name, type, value} in item 0'],
			[{ parametersFrom: 'json', parametersJson: '[{' }, 'Parameters (JSON) (parametersJson) is not valid JSON in item 0'],
		]) {
			const error = await run(call(params)).catch((e) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
		}
		expect(sandbox.requests.length).toBe(before);
	});
});

test('team members: add (role, permission, no notice), update, remove; members are employee IDs, checked before anything is sent', async () => {
	const id = sandbox.crm.put('AccountObj', { name: 'Team account' });
	const team = () => record(id).relevant_team;
	const [added] = await run(crm('addTeamMembers', { recordId: id, teamMembers: '1001, 1002', teamMemberRole: '2', teamMemberPermission: '2', notifyMembers: false }));
	expect(added[0].json).toEqual({ dataId: id, members: ['1001', '1002'], role: '2', permission: '2' });
	expect(requestsTo('crm.teamAdd').map((r) => [r.path, bodyOf(r)])).toEqual([
		['/cgi/crm/team/add', { apiName: 'AccountObj', data: { dataIDs: [id], teamMemberEmployee: ['1001', '1002'], teamMemberRole: '2', teamMemberPermissionType: '2', ignoreSendingRemind: true } }],
	]);
	expect(team()).toEqual([
		{ teamMemberEmployee: ['1001'], teamMemberRole: '2', teamMemberPermissionType: '2' },
		{ teamMemberEmployee: ['1002'], teamMemberRole: '2', teamMemberPermissionType: '2' },
	]);
	await run(crm('updateTeamMembers', { recordId: id, teamMembers: '1002', teamMemberRole: '4', teamMemberPermission: '1' }));
	expect(bodyOf(requestsTo('crm.teamEdit')[0])).toEqual({ apiName: 'AccountObj', data: { dataID: id, teamMemberInfos: [{ teamMemberEmployee: ['1002'], teamMemberRole: '4', teamMemberPermissionType: '1' }] } });
	await run(crm('removeTeamMembers', { recordId: id, teamMembers: ['1001'] }));
	expect(bodyOf(requestsTo('crm.teamDelete')[0])).toEqual({ apiName: 'AccountObj', data: { dataIDs: [id], teamMemberEmployee: ['1001'] } });
	expect(team()).toEqual([{ teamMemberEmployee: ['1002'], teamMemberRole: '4', teamMemberPermissionType: '1' }]);
	// an employee the company does not have: Fxiaoke's error; a member that is not an ID: refused before sending
	const unknown = await run(crm('addTeamMembers', { recordId: id, teamMembers: '999999999' })).catch((e) => e);
	expect(unknown).toBeInstanceOf(NodeApiError);
	const before = sandbox.requests.length;
	const notAnId = await run(crm('addTeamMembers', { recordId: id, teamMembers: '1001, zhang@example.com' })).catch((e) => e);
	expect(notAnId.message).toBe('Members (teamMembers) has "zhang@example.com", which is not an employee ID (digits, such as 1001) in item 0');
	expect(sandbox.requests.length).toBe(before);
});

test('team members given by mobile number, e-mail address or the picker are sent as employee IDs; one that matches nobody stops the item before anything is sent', async () => {
	const id = sandbox.crm.put('NewOpportunityObj', { name: 'Team deal', account_id: sandbox.crm.put('AccountObj', { name: 'Team deal account' }), close_date: Date.UTC(2027, 0, 1) });
	const team = (apiName) => sandbox.crm.objects.get(apiName).records.get(id).relevant_team;
	const [byMobile] = await run({ ...crm('addTeamMembers', { recordId: id, memberType: 'mobileNumbers', teamMembers: '13800001002', pickedMembers: { employee: [{ id: { __rl: true, mode: 'list', value: '1003' } }] } }), objectApiName: object('NewOpportunityObj') });
	expect(byMobile[0].json).toMatchObject({ dataId: id, members: ['1002', '1003'], resolvedMembers: [{ value: '13800001002', employeeId: '1002' }] });
	expect(bodyOf(requestsTo('crm.teamAdd')[0]).data.teamMemberEmployee).toEqual(['1002', '1003']);
	expect(team('NewOpportunityObj').map((m) => m.teamMemberEmployee[0])).toEqual(['1002', '1003']);
	const before = requestsTo('crm.teamAdd').length;
	const nobody = await run({ ...crm('addTeamMembers', { recordId: id, memberType: 'emailAddresses', teamMembers: 'nobody@example.com' }), objectApiName: object('NewOpportunityObj') }).catch((e) => e);
	expect(nobody).toBeInstanceOf(NodeOperationError);
	expect(nobody.message).toBe('Members (teamMembers) could not be resolved as e-mail addresses: "nobody@example.com" matches no employee, in item 0');
	expect(nobody.description).toContain('Nothing was changed for this item');
	expect(requestsTo('crm.teamAdd')).toHaveLength(before);
});

describe('pools', () => {
	const { POOL_FIXTURES } = require('../sandbox/pools');
	const pool = (p) => ({ __rl: true, mode: 'list', value: p._id });

	test('Return to Pool (reason text) → the account has no owner and is in the pool → Claim From Pool → the acting employee owns it; the pools are listed by name', async () => {
		const id = sandbox.crm.put('AccountObj', { name: 'Quiet account', owner: ['1002'] });
		const [returned] = await run(crm('returnToPool', { recordId: id, pool: pool(POOL_FIXTURES.eastChina), returnReason: 'other', returnReasonText: 'No answer after three calls' }));
		expect(returned[0].json).toEqual({ dataId: id, pool: POOL_FIXTURES.eastChina._id, returned: true });
		expect(bodyOf(requestsTo('crm.return')[0])).toEqual({ data: { apiName: 'AccountObj', objectIds: [id], objectPoolId: POOL_FIXTURES.eastChina._id, backReason: 'other', backReason__o: 'No answer after three calls' } });
		expect(record(id)).toMatchObject({ owner: [], high_seas_id: POOL_FIXTURES.eastChina._id });
		// returned again: Fxiaoke's error (it is in the pool already), sent once
		const again = await run(crm('returnToPool', { recordId: id, pool: pool(POOL_FIXTURES.eastChina), returnReason: '1' })).catch((e) => e);
		expect(again).toBeInstanceOf(NodeApiError);
		expect(requestsTo('crm.return')).toHaveLength(2);
		const [claimed] = await run(crm('claimFromPool', { recordId: id }));
		expect(claimed[0].json).toEqual({ dataId: id, claimed: true });
		expect(bodyOf(requestsTo('crm.choose')[0])).toEqual({ data: { apiName: 'AccountObj', objectIds: [id] } });
		expect(record(id).owner).toEqual(['1000']);

		const { searchPools } = require('../dist/nodes/Fxiaoke/methods/crmObject');
		const context = createLoadOptionsContext({ parameters: { objectApiName: object('LeadsObj') }, credential: sandboxCredential(baseUrl) });
		expect((await searchPools.call(context)).results).toEqual([{ name: 'Web Leads Pool', value: POOL_FIXTURES.webLeads._id }]);
		const accounts = createLoadOptionsContext({ parameters: { objectApiName: object('AccountObj') }, credential: sandboxCredential(baseUrl) });
		expect((await searchPools.call(accounts, 'East')).results).toEqual([{ name: 'East China Pool', value: POOL_FIXTURES.eastChina._id }]);
	});

	test('only accounts and leads have pools; Other without a text is refused; nothing is sent', async () => {
		const before = sandbox.requests.length;
		for (const [params, message] of [
			[{ ...crm('claimFromPool', { recordId: 'x1' }), objectApiName: object('ContactObj') }, 'Object (objectApiName) is ContactObj; only accounts (AccountObj) and leads (LeadsObj) have pools in item 0'],
			[crm('returnToPool', { recordId: 'x1', pool: pool(POOL_FIXTURES.eastChina), returnReason: 'other', returnReasonText: ' ' }), 'Reason Text (returnReasonText) is empty in item 0'],
			[crm('returnToPool', { recordId: 'x1', pool: { __rl: true, mode: 'id', value: '' } }), 'Pool (pool) is empty: pick a pool or give its ID in item 0'],
		]) {
			const error = await run(params).catch((e) => e);
			expect(error.message).toBe(message);
		}
		expect(sandbox.requests.length).toBe(before);
	});
});

test('Move Stage: by name or ID among the record\'s stages (listed in the editor, current marked); a stage the flow does not have names the stages and moves nothing', async () => {
	const account = sandbox.crm.put('AccountObj', { name: 'Stage account' });
	const id = sandbox.crm.put('NewOpportunityObj', { name: 'Stage deal', account_id: account, close_date: Date.UTC(2027, 0, 1), sales_stage: '1' });
	const deal = () => sandbox.crm.objects.get('NewOpportunityObj').records.get(id);
	const move = (stage) => ({ ...crm('moveStage', { recordId: id, stage: { __rl: true, mode: 'id', value: stage } }), objectApiName: object('NewOpportunityObj') });
	const [moved] = await run(move('proposal'));
	expect(moved[0].json).toMatchObject({ dataId: id, stageId: 'stage_proposal', stage: 'Proposal', previousStageId: 'stage_discovery' });
	expect(bodyOf(requestsTo('crm.stageMove')[0])).toEqual({ data: { workflowInstanceId: moved[0].json.workflowInstanceId, stageId: 'stage_proposal' } });
	expect(deal().sales_stage).toBe('2');
	await run(move('stage_won'));
	expect(deal().sales_stage).toBe('3');

	const error = await run(move('Negotiation')).catch((e) => e);
	expect(error.message).toBe('Stage (stage) is "Negotiation", which the record\'s stage flow does not have (its stages: Discovery (stage_discovery), Proposal (stage_proposal), Won (stage_won), Lost (stage_lost)) in item 0');
	expect(requestsTo('crm.stageMove')).toHaveLength(2);

	const { searchStages } = require('../dist/nodes/Fxiaoke/methods/crmObject');
	const context = createLoadOptionsContext({ parameters: { objectApiName: object('NewOpportunityObj'), recordId: id }, credential: sandboxCredential(baseUrl) });
	expect((await searchStages.call(context)).results.map((r) => r.name)).toEqual(['Discovery', 'Proposal', 'Won (current)', 'Lost']);
	// a lead without a running stage flow: Fxiaoke's error, nothing moved
	const lead = sandbox.crm.put('LeadsObj', { name: 'No flow' });
	const none = await run({ ...crm('moveStage', { recordId: lead, stage: { __rl: true, mode: 'id', value: 'Contacted' } }), objectApiName: object('LeadsObj') }).catch((e) => e);
	expect(none).toBeInstanceOf(NodeApiError);
	expect(requestsTo('crm.stageMove')).toHaveLength(2);
});

test('Add Sales Record: an ActiveRecordObj linked to the record by the lookup the describe names; an object it cannot link to is refused before sending', async () => {
	const id = sandbox.crm.put('AccountObj', { name: 'Followed account' });
	const [out] = await run(crm('addSalesRecord', { recordId: id, fields: { mappingMode: 'defineBelow', value: { active_record_content: 'Called the buyer: sending the quote', active_record_type: 'Call' }, matchingColumns: [], schema: [] } }));
	expect(out[0].json).toMatchObject({ errorCode: 0, dataId: expect.any(String), relatedObject: 'AccountObj', relatedDataId: id });
	const created = bodyOf(requestsTo('crm.create').at(-1));
	expect(created.data.object_data).toEqual({ dataObjectApiName: 'ActiveRecordObj', active_record_content: 'Called the buyer: sending the quote', active_record_type: '2', account_id: id });
	expect(sandbox.crm.objects.get('ActiveRecordObj').records.get(out[0].json.dataId)).toMatchObject({ account_id: id, active_record_type: '2' });
	const before = requestsTo('crm.create').length;
	const error = await run({ ...crm('addSalesRecord', { recordId: 'd1', fields: { mappingMode: 'defineBelow', value: { active_record_content: 'x' } } }), objectApiName: object('DepartmentObj') }).catch((e) => e);
	expect(error.message).toBe('Object (objectApiName) is DepartmentObj, which a sales record cannot be linked to (it links to AccountObj, LeadsObj, NewOpportunityObj, ContactObj) in item 0');
	const missing = await run(crm('addSalesRecord', { recordId: id, fields: { mappingMode: 'defineBelow', value: { active_record_type: '1' } } })).catch((e) => e);
	expect(missing.message).toContain('lack what ActiveRecordObj requires (Content (active_record_content))');
	expect(requestsTo('crm.create')).toHaveLength(before);
});
