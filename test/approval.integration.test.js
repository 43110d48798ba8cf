// Approval against the sandbox over real HTTP, with the node's own execute(): a large opportunity
// starts the sandbox's approval flow (employee 1000 or 1001, then 1002); Get Many, Get, Approve,
// Reject and Cancel, the checks made before anything is sent, and writes that are never repeated.
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { runNode, sandboxCredential, useSandbox } = require('./support/harness');

/** @type {any} */
let sandbox;
let baseUrl;

useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const FLOW = 'apprOpportunityDiscount__c';
const object = (apiName) => ({ __rl: true, mode: 'id', value: apiName });
const requestsTo = (endpoint) => sandbox.requests.filter((r) => r.endpoint === endpoint);
const bodyOf = (r) => JSON.parse(r.rawBody);

/** @param {object} common @param {object[]} [perItem] @param {object} [extra] runNode options (userId: the acting employee) */
function run(common, perItem = [{}], extra = {}) {
	const credential = sandboxCredential(baseUrl, extra.userId ? { userId: extra.userId } : {});
	return runNode({ items: perItem.map(() => ({})), parameters: (i) => ({ options: FAST, ...common, ...perItem[i] }), credential, ...extra });
}

/** An opportunity created through the API (so its approval flow starts when the amount is large). */
async function opportunity(name, amount) {
	const account = sandbox.crm.put('AccountObj', { name: `${name} account` });
	const [out] = await run({
		resource: 'crmObject',
		operation: 'create',
		objectApiName: object('NewOpportunityObj'),
		fields: { mappingMode: 'defineBelow', value: { name, account_id: account, amount, close_date: '2026-12-31' }, matchingColumns: [], schema: [] },
	});
	return out[0].json.dataId;
}

const approval = (operation, params) => ({ resource: 'approval', operation, ...params });
const ofRecord = (id) => ({ objectApiName: object('NewOpportunityObj'), recordId: id });

test('a large opportunity\'s approval: Get Many of the record, Get with readable task states, Approve the current task as 1000, then Reject as 1002: the record becomes ineffective', async () => {
	const id = await opportunity('Big deal', 250000);
	expect(sandbox.crm.objects.get('NewOpportunityObj').records.get(id).life_status).toBe('under_review');
	const [list] = await run(approval('getAll', { instancesOf: 'record', ...ofRecord(id), returnAll: true }));
	expect(list.map((i) => i.json)).toEqual([expect.objectContaining({ dataId: id, flowApiName: FLOW, state: 'in_progress', stateName: 'In Progress', triggerType: 'Create', objectApiName: 'NewOpportunityObj' })]);
	const instanceId = list[0].json.instanceId;
	const [got] = await run(approval('get', { instanceId }));
	expect(got[0].json).toMatchObject({ instanceId, stateName: 'In Progress', tasks: [{ state: 'in_progress', stateName: 'In Progress', type: 'one_pass', typeName: 'Any One Approver', unCompletePersons: ['1000', '1001'] }] });

	// approve "the approval of this opportunity": one node, the task found from the record
	const [approved] = await run(approval('approve', { taskFrom: 'record', ...ofRecord(id), opinion: 'Fine by me' }));
	const firstTask = got[0].json.tasks[0].id;
	expect(approved[0].json).toEqual({ taskId: firstTask, instanceId, objectApiName: 'NewOpportunityObj', recordId: id, approvalResult: 'agree', opinion: 'Fine by me', actingUser: '1000' });
	expect(requestsTo('approval.task').map(bodyOf)).toEqual([{ data: { taskId: firstTask, approvalResult: 'agree', opinion: 'Fine by me' } }]);
	expect(requestsTo('approval.task')[0].path).toBe('/cgi/crm/v2/special/object/approvalTask');

	// the next task is 1002's: 1000 acting again is told so in words, and nothing is sent
	const notMine = await run(approval('approve', { taskFrom: 'record', ...ofRecord(id) })).catch((e) => e);
	expect(notMine).toBeInstanceOf(NodeOperationError);
	expect(notMine.message).toBe(`The acting employee 1000 (the credential's User ID) is not an approver of the current task of NewOpportunityObj record ${id}; its approvers: 1002, in item 0`);
	expect(notMine.description).toBe('Nothing was sent to Fxiaoke for this item.');
	expect(requestsTo('approval.task')).toHaveLength(1);

	// a rejection needs its opinion (checked before anything is read)
	const before = sandbox.requests.length;
	const noOpinion = await run(approval('reject', { taskFrom: 'record', ...ofRecord(id), opinion: ' ' }), [{}], { userId: '1002' }).catch((e) => e);
	expect(noOpinion.message).toMatch(/^Opinion \(opinion\) .*item 0/);
	expect(sandbox.requests.length).toBe(before);
	const [rejected] = await run(approval('reject', { taskFrom: 'record', ...ofRecord(id), opinion: 'Discount too deep' }), [{}], { userId: '1002' });
	expect(rejected[0].json).toMatchObject({ approvalResult: 'reject', actingUser: '1002', recordId: id });
	const [after] = await run(approval('get', { instanceId }));
	expect(after[0].json).toMatchObject({ state: 'reject', stateName: 'Rejected', tasks: [{ stateName: 'Passed' }, { stateName: 'Rejected', opinions: [expect.objectContaining({ opinion: 'Discount too deep' })] }] });
	expect(sandbox.crm.objects.get('NewOpportunityObj').records.get(id).life_status).toBe('ineffective');

	// by task ID, a task already handled: Fxiaoke's error, with what must hold in words
	const done = await run(approval('approve', { taskFrom: 'id', taskId: firstTask })).catch((e) => e);
	expect(done).toBeInstanceOf(NodeApiError);
	expect(done.context).toMatchObject({ errorCode: 320001402 });
	expect(done.description).toContain('The acting employee 1000 (the credential\'s User ID) must be a pending approver of the task and the task still in progress');
});

test('Reject with Send Back To Task ID: the approval goes back to the earlier task, which runs again; not to a task of the future', async () => {
	const id = await opportunity('Sent back', 210000);
	await run(approval('approve', { taskFrom: 'record', ...ofRecord(id), opinion: 'ok' }));
	const instance = [...sandbox.crm.approvals.instances.values()].find((i) => i.dataId === id);
	const [first, second] = [...sandbox.crm.approvals.tasks.values()].filter((t) => t.instanceId === instance.instanceId);
	// back to a task that is not an earlier, passed one: Fxiaoke's (the sandbox's) refusal, once
	const wrong = await run(approval('reject', { taskFrom: 'record', ...ofRecord(id), opinion: 'No', rejectToTaskId: second.id }), [{}], { userId: '1002' }).catch((e) => e);
	expect(wrong).toBeInstanceOf(NodeApiError);
	const [out] = await run(approval('reject', { taskFrom: 'record', ...ofRecord(id), opinion: 'Check the discount again', rejectToTaskId: first.id }), [{}], { userId: '1002' });
	expect(out[0].json).toMatchObject({ taskId: second.id, rejectToTaskId: first.id, approvalResult: 'reject', actingUser: '1002' });
	expect(requestsTo('approval.rejectBack').map(bodyOf)).toEqual([
		{ data: { currentTaskId: second.id, rejectToTaskId: second.id, rejectOpinion: 'No' } },
		{ data: { currentTaskId: second.id, rejectToTaskId: first.id, rejectOpinion: 'Check the discount again' } },
	]);
	expect(requestsTo('approval.rejectBack')[1].path).toBe('/cgi/crm/v2/special/approval/rejectToBeforeTask');
	const [got] = await run(approval('get', { instanceId: instance.instanceId }));
	expect(got[0].json).toMatchObject({ stateName: 'In Progress', tasks: [{ stateName: 'Passed' }, { stateName: 'Sent Back' }, { stateName: 'In Progress', unCompletePersons: ['1000', '1001'] }] });
});

test('Cancel withdraws the running approval with its reason; a record without one: the error says so (nothing sent), and Fxiaoke\'s error for a second cancel', async () => {
	const id = await opportunity('Withdrawn deal', 120000);
	const [out] = await run(approval('cancel', { ...ofRecord(id), cancelReason: 'Wrong amount' }));
	expect(out[0].json).toEqual({ objectApiName: 'NewOpportunityObj', recordId: id, cancelled: true, cancelReason: 'Wrong amount' });
	expect(requestsTo('approval.cancel').map(bodyOf)).toEqual([{ data: { entityId: 'NewOpportunityObj', objectId: id, cancelReason: 'Wrong amount' } }]);
	expect([...sandbox.crm.approvals.instances.values()].find((i) => i.dataId === id).state).toBe('cancel');
	const again = await run(approval('cancel', { ...ofRecord(id), cancelReason: 'Again' })).catch((e) => e);
	expect(again).toBeInstanceOf(NodeApiError);
	expect(again.context.errorCode).toBe(320001403);
	// a small opportunity starts no approval: approving "its approval" sends no action
	const small = await opportunity('Small deal', 500);
	const none = await run(approval('approve', { taskFrom: 'record', ...ofRecord(small) })).catch((e) => e);
	expect(none.message).toBe(`The NewOpportunityObj record ${small} has no approval in progress, in item 0`);
	expect(requestsTo('approval.task')).toHaveLength(0);
});

test('an approval that got no answer after it was carried out is not repeated, and the error says it may have been', async () => {
	const id = await opportunity('Unanswered', 300000);
	sandbox.injectNext('resetAfterApply', 1, 'approval.task');
	const error = await run(approval('approve', { taskFrom: 'record', ...ofRecord(id) })).catch((e) => e);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.context.maybeCarriedOut).toBe(true);
	expect(error.description).toContain('may have been carried out');
	expect(requestsTo('approval.task')).toHaveLength(1);
	const instance = [...sandbox.crm.approvals.instances.values()].find((i) => i.dataId === id);
	expect([...sandbox.crm.approvals.tasks.values()].filter((t) => t.instanceId === instance.instanceId).map((t) => t.state)).toEqual(['pass', 'in_progress']);
});

test('Get Many of a flow: a time window on the start, a state, pages of 100 up to the limit; times sent as text; instances show only after the query\'s lag', async () => {
	const t0 = Date.UTC(2026, 10, 1);
	sandbox.crm.setClock(t0);
	const ids = [];
	for (let i = 0; i < 130; i++) {
		sandbox.crm.advance(60_000);
		ids.push(await opportunity(`Deal ${i}`, 100000 + i));
	}
	sandbox.crm.setClock(null);
	const window = { instancesOf: 'flow', flowApiName: FLOW, startTime: new Date(t0).toISOString(), endTime: new Date(t0 + 120 * 60_000).toISOString() };
	const [all] = await run(approval('getAll', { ...window, returnAll: true }));
	expect(all).toHaveLength(120);
	expect(new Set(all.map((i) => i.json.dataId))).toEqual(new Set(ids.slice(0, 120)));
	const queries = requestsTo('approval.instances').map(bodyOf);
	expect(queries).toEqual([
		{ flowApiName: FLOW, startTime: String(t0), endTime: String(t0 + 120 * 60_000), pageNumber: 1, pageSize: 100 },
		{ flowApiName: FLOW, startTime: String(t0), endTime: String(t0 + 120 * 60_000), pageNumber: 2, pageSize: 100 },
	]);
	const [limited] = await run(approval('getAll', { ...window, returnAll: false, limit: 5, state: 'in_progress' }));
	expect(limited.map((i) => i.json.stateName)).toEqual(Array(5).fill('In Progress'));
	expect(bodyOf(requestsTo('approval.instances').at(-1)).state).toBe('in_progress');
	const [none] = await run(approval('getAll', { ...window, state: 'pass', returnAll: true }));
	expect(none).toEqual([]);
	// a time without an offset is read on the workflow's clock, as CRM date fields are
	await run(approval('getAll', { ...window, startTime: '2026-11-01T08:00:00', endTime: '2026-11-01T10:00:00', returnAll: true }), [{}], { timezone: 'Asia/Shanghai' });
	expect(bodyOf(requestsTo('approval.instances').at(-1))).toMatchObject({ startTime: String(Date.UTC(2026, 10, 1, 0)), endTime: String(Date.UTC(2026, 10, 1, 2)) });
	// the query lags (API.md §15): a new instance is not listed until the lag has passed
	sandbox.crm.approvals.lagMs = 60_000;
	const late = await opportunity('Late deal', 999999);
	const [recent] = await run(approval('getAll', { instancesOf: 'flow', flowApiName: FLOW, startTime: new Date(Date.now() - 3600_000).toISOString(), endTime: new Date(Date.now() + 3600_000).toISOString(), returnAll: true }));
	expect(recent.map((i) => i.json.dataId)).not.toContain(late);
	sandbox.crm.advance(61_000);
	const [later] = await run(approval('getAll', { instancesOf: 'flow', flowApiName: FLOW, startTime: new Date(Date.now() - 3600_000).toISOString(), endTime: new Date(Date.now() + 3600_000).toISOString(), returnAll: true }));
	expect(later.map((i) => i.json.dataId)).toContain(late);
});

test('bad input names the field and the item, nothing sent; with Continue On Fail each item has its own result', async () => {
	const id = await opportunity('Pair', 200000);
	const before = sandbox.requests.length;
	const [out] = await run(
		approval('getAll', { instancesOf: 'flow', flowApiName: FLOW, returnAll: true }),
		[
			{ startTime: 'not a date', endTime: '2026-12-01T00:00:00Z' },
			{ startTime: '2026-12-02T00:00:00Z', endTime: '2026-12-01T00:00:00Z' },
			{ flowApiName: '', startTime: '2026-12-01T00:00:00Z', endTime: '2026-12-02T00:00:00Z' },
		],
		{ continueOnFail: true },
	);
	expect(out.map((i) => [i.pairedItem, i.json.error])).toEqual([
		[{ item: 0 }, 'Started After (startTime) is not a date and time in item 0'],
		[{ item: 1 }, 'Started Before (endTime) is before Started After in item 1'],
		[{ item: 2 }, expect.stringMatching(/^Approval Flow API Name \(flowApiName\) .*item 2/)],
	]);
	expect(sandbox.requests.length).toBe(before);
	const missing = await run(approval('approve', { taskFrom: 'id', taskId: '' })).catch((e) => e);
	expect(missing.message).toMatch(/^Task ID \(taskId\) .*item 0/);
	expect(sandbox.requests.length).toBe(before);
	expect(id).toBeDefined();
});

describe('Fxiaoke Trigger: approval events', () => {
	const { FxiaokeTrigger } = require('../nodes/FxiaokeTrigger/FxiaokeTrigger.node');
	const { createPollContext } = require('./support/harness');
	const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
	const at = (ms) => sandbox.crm.setClock(T0 + ms);
	afterEach(() => {
		sandbox.crm.setClock(null);
		sandbox.crm.approvals.lagMs = 0;
	});

	/** A polling trigger with its static data (the acting employee: `userId`). */
	function trigger(parameters, userId = '1000') {
		const staticData = {};
		const credential = sandboxCredential(baseUrl, { userId });
		const node = new FxiaokeTrigger();
		return async () => {
			const out = await node.poll.call(createPollContext({ parameters: { simplify: false, options: FAST, ...parameters }, credential, staticData, mode: 'trigger' }));
			return out === null ? [] : out[0].map((i) => i.json);
		};
	}
	const act = (operation, id, userId, opinion = 'ok') => run(approval(operation, { taskFrom: 'record', ...ofRecord(id), opinion }), [{}], { userId });

	test('Approval Changed (Passed, Rejected): each approval once, when it ends; read by last_modify_time (the describe says so), in-progress steps not emitted', async () => {
		at(0);
		const poll = trigger({ event: 'approvalChanged', approvalStates: ['pass', 'reject'] });
		expect(await poll()).toEqual([]);
		at(1000);
		const passed = await opportunity('To pass', 150000);
		const rejected = await opportunity('To reject', 160000);
		expect(await poll()).toEqual([]); // both in progress
		at(2000);
		await act('approve', passed, '1001');
		await act('reject', rejected, '1000', 'No');
		expect(await poll()).toEqual([expect.objectContaining({ object_data_id: rejected, state: 'reject' })]);
		at(3000);
		await act('approve', passed, '1002');
		expect(await poll()).toEqual([expect.objectContaining({ object_data_id: passed, state: 'pass', workflow_id: FLOW })]);
		expect(await poll()).toEqual([]);
		const query = sandbox.requests.filter((r) => r.endpoint === 'crm.query' && bodyOf(r).data.dataObjectApiName === 'ApprovalInstanceObj').map(bodyOf).at(-1);
		expect(query.data.search_query_info.orders[0].fieldName).toBe('last_modify_time');
		expect(query.data.search_query_info.filters).toEqual(expect.arrayContaining([{ field_name: 'state', field_values: ['pass', 'reject'], operator: 'IN' }]));
	});

	test('Approval Changed sees a change the instance query shows late (within the one-minute overlap), once', async () => {
		at(0);
		const poll = trigger({ event: 'approvalChanged', approvalStates: ['in_progress'] });
		await poll();
		sandbox.crm.approvals.lagMs = 30_000;
		at(1000);
		const id = await opportunity('Late', 170000);
		at(5000);
		expect(await poll()).toEqual([]); // not visible yet
		at(32_000);
		expect((await poll()).map((i) => i.object_data_id)).toEqual([id]);
		at(40_000);
		expect(await poll()).toEqual([]);
	});

	test('Approval Task Waiting for Me: the acting employee\'s tasks only, each once; another approver\'s are not emitted', async () => {
		at(0);
		const poll = trigger({ event: 'approvalTaskWaiting' }, '1002');
		await poll();
		at(1000);
		const id = await opportunity('Second step', 180000);
		expect(await poll()).toEqual([]); // the first task is 1000's or 1001's
		at(2000);
		await act('approve', id, '1000');
		const tasks = await poll();
		expect(tasks).toEqual([expect.objectContaining({ object_data_id: id, state: 'in_progress', candidate_ids: ['1002'] })]);
		expect(await poll()).toEqual([]);
	});
});
