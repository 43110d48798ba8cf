// CRM Object against the sandbox over real HTTP, with the node's own execute() and option loaders.
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { runNode, createLoadOptionsContext, sandboxCredential, useSandbox } = require('./support/harness');
const methods = require('../nodes/Fxiaoke/methods');
const { fieldsOf } = require('./support/items');

/** @type {any} */
let sandbox;
let baseUrl;

useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

/** Pacing out of the way: the paging tests send hundreds of queries. */
const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const object = (apiName) => ({ __rl: true, mode: 'id', value: apiName });
const requestsTo = (action) => sandbox.requests.filter((r) => r.endpoint.endsWith(`.${action}`));
const bodyOf = (r) => JSON.parse(r.rawBody);

/** @param {object} common parameters of every item @param {object[]} [perItem] @param {object} [extra] runNode options */
function run(common, perItem = [{}], extra = {}) {
	const credential = extra.credential ?? sandboxCredential(baseUrl);
	const items = extra.items ?? perItem.map(() => ({}));
	return runNode({ items, parameters: (i) => ({ resource: 'crmObject', options: FAST, ...common, ...perItem[i] }), credential, ...extra });
}

const defineBelow = (value) => ({ mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] });

describe('create', () => {
	test('converts values to what Fxiaoke takes and sends both flow flags (true by default)', async () => {
		const [out] = await run({
			operation: 'create',
			objectApiName: object('AccountObj'),
			fields: defineBelow({ name: 'Acme', employees: 12, annual_revenue: 1500.5, account_level: 'Key', remark: null, email: '' }),
		});
		const [req] = requestsTo('create');
		expect(req.path).toBe('/cgi/crm/v2/data/create');
		expect(bodyOf(req)).toEqual({
			triggerApprovalFlow: true,
			triggerWorkFlow: true,
			data: { object_data: { dataObjectApiName: 'AccountObj', name: 'Acme', employees: '12', annual_revenue: '1500.5', account_level: '1' } },
		});
		const { dataId, errorCode } = fieldsOf(out[0]);
		expect(errorCode).toBe(0);
		expect(sandbox.crm.objects.get('AccountObj').records.get(dataId)).toMatchObject({ name: 'Acme', employees: '12', account_level: '1' });
	});

	test('Map Automatically: dates to milliseconds, one employee ID to a list, flows off when told; custom objects by their own path', async () => {
		const items = [{ name: 'Ticket 1', field_due__c: '2026-12-24T10:00:00Z', field_done__c: 'false', owner: '1001', field_priority__c: 'High' }];
		const [out] = await run(
			{
				operation: 'create',
				objectApiName: object('object_ticket__c'),
				fields: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: [] },
				options: { ...FAST, triggerApprovalFlow: false, triggerWorkFlow: false },
			},
			[{}],
			{ items },
		);
		expect(fieldsOf(out[0]).errorCode).toBe(0);
		const [req] = requestsTo('create');
		expect(req.endpoint).toBe('crm.custom.create');
		expect(bodyOf(req)).toEqual({
			triggerApprovalFlow: false,
			triggerWorkFlow: false,
			data: {
				object_data: {
					dataObjectApiName: 'object_ticket__c',
					name: 'Ticket 1',
					field_due__c: Date.parse('2026-12-24T10:00:00Z'),
					field_done__c: false,
					owner: ['1001'],
					field_priority__c: 'p1',
				},
			},
		});
	});

	test('a value that cannot be converted names the field, its type and the item; nothing is sent', async () => {
		const error = await run({ operation: 'create', objectApiName: object('AccountObj') }, [
			{ fields: defineBelow({ name: 'Good' }) },
			{ fields: defineBelow({ name: 'Bad', employees: 'twelve' }) },
		]).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Employees (employees) must be a number, not the text "twelve", in item 1');
		expect(requestsTo('create')).toHaveLength(0);
	});

	test('with Continue On Fail: unknown fields, a missing required field and a bad option each fail their own item, paired', async () => {
		const [out] = await run(
			{ operation: 'create', objectApiName: object('LeadsObj') },
			[
				{ fields: defineBelow({ name: 'Lead A', tags: 'VIP, web' }) },
				{ fields: defineBelow({ name: 'Lead B', nickname: 'x' }) },
				{ fields: defineBelow({ company: 'No name' }) },
				{ fields: defineBelow({ name: 'Lead D', leads_status: 'Lost' }) },
			],
			{ continueOnFail: true },
		);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(fieldsOf(out[0]).errorCode).toBe(0);
		expect(bodyOf(requestsTo('create')[0]).data.object_data.tags).toEqual(['vip', 'web']);
		expect(out[1].json.error).toBe('Fields (fields) name a field LeadsObj does not have (nickname) in item 1');
		expect(out[2].json.error).toBe('Fields (fields) lack what LeadsObj requires (Lead Name (name)) in item 2');
		expect(out[3].json.error).toMatch(/^Lead Status \(leads_status\) has no option "Lost" \(options: New \(1\), Contacted \(2\), Qualified \(3\)\), in item 3$/);
		expect(requestsTo('create')).toHaveLength(1);
	});

	test('a Fxiaoke refusal becomes a NodeApiError with errorCode, errorDescription, traceId and the item', async () => {
		const error = await run({
			operation: 'create',
			objectApiName: object('NewOpportunityObj'),
			fields: defineBelow({ name: 'Deal', account_id: 'no-such-account', close_date: 1798675200000 }),
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context).toMatchObject({ errorCode: 15002, itemIndex: 0, traceId: expect.any(String) });
		expect(error.context.errorDescription).toContain('account_id');
	});

	test('without Continue On Fail, a failing item among concurrent writes: the error names every item carried out meanwhile, with its dataId', async () => {
		const [accountId] = sandbox.crm.seed('AccountObj', 1);
		const deals = ['A', 'B', 'bad', 'C', 'D', 'E'].map((name) => ({
			fields: defineBelow({ name, account_id: name === 'bad' ? 'no-such-account' : accountId, close_date: 1798675200000 }),
		}));
		const error = await run({ operation: 'create', objectApiName: object('NewOpportunityObj'), options: { ...FAST, concurrency: 5 } }, deals).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.itemIndex).toBe(2);
		// Items ran beside item 2 (0, 1, 3, 4, and 5 if a worker was free before item 2 failed) and were
		// created: every one of them is named, with the record it made, and nothing else is.
		const created = sandbox.crm.writes.filter((w) => w.action === 'create').map((w) => ({ id: w.id, name: w.body.fields.name }));
		expect(created.map((c) => c.name)).toEqual(expect.arrayContaining(['A', 'B', 'C', 'D']));
		expect(created.map((c) => c.name)).not.toContain('bad');
		const names = ['A', 'B', 'bad', 'C', 'D', 'E'];
		const listed = error.context.completedItems.map(({ item, dataId }) => ({ id: dataId, name: names[item] }));
		expect(listed.sort((a, b) => a.name.localeCompare(b.name))).toEqual(created.sort((a, b) => a.name.localeCompare(b.name)));
		for (const { item, dataId } of error.context.completedItems) expect(error.description).toContain(`item ${item} (dataId ${dataId})`);
		expect(error.description).toMatch(/^.*Carried out before the run stopped \(leave them out of a re-run\): item 0 /);
	});

	test('a create that got no answer after it was carried out is not repeated, and the error says it may have been', async () => {
		sandbox.injectNext('resetAfterApply', 1, 'crm.create');
		const error = await run({ operation: 'create', objectApiName: object('AccountObj'), fields: defineBelow({ name: 'Once' }) }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.maybeCarriedOut).toBe(true);
		expect(error.description).toContain('may have been carried out');
		expect(requestsTo('create')).toHaveLength(1);
		expect([...sandbox.crm.objects.get('AccountObj').records.values()].filter((r) => r.name === 'Once')).toHaveLength(1);
	});
});

describe('dates, read-only fields, upserts in one run, writes that may have happened', () => {
	test('a date or time without an offset is read in the workflow\'s time zone; a day that does not exist is an error', async () => {
		const [out] = await run(
			{ operation: 'create', objectApiName: object('ContactObj') },
			[{ fields: defineBelow({ name: 'Li', birthday: '2000-05-01' }) }, { fields: defineBelow({ name: 'Wu', birthday: '2024-02-30' }) }],
			{ continueOnFail: true, timezone: 'Asia/Shanghai' },
		);
		expect(bodyOf(requestsTo('create')[0]).data.object_data.birthday).toBe(Date.UTC(2000, 3, 30, 16)); // midnight in Shanghai (UTC+8)
		expect(out[1].json.error).toBe('Birthday (birthday) must be a date (ISO text or milliseconds), not the text "2024-02-30", in item 1');
		await run(
			{ operation: 'create', objectApiName: object('object_ticket__c'), fields: defineBelow({ name: 'T', field_due__c: '2026-12-24T10:00:00' }) },
			[{}],
			{ timezone: 'Asia/Shanghai' },
		);
		expect(bodyOf(requestsTo('create')[1]).data.object_data.field_due__c).toBe(Date.UTC(2026, 11, 24, 2));
	});

	test('a number that can only be seconds is refused ("seconds?"), nothing sent for it; milliseconds, ISO text and DateTimes go as milliseconds', async () => {
		const { DateTime } = require('luxon');
		const may2024 = Date.UTC(2024, 4, 1);
		const values = [1714521600, '1714521600', may2024, String(may2024), '2024-05-01T00:00:00Z', DateTime.fromMillis(may2024)];
		const [out] = await run(
			{ operation: 'create', objectApiName: object('ContactObj') },
			values.map((birthday, i) => ({ fields: defineBelow({ name: `D${i}`, birthday }) })),
			{ continueOnFail: true },
		);
		expect(out[0].json.error).toBe('Birthday (birthday) must be a date in milliseconds, not number 1714521600 (seconds? multiply by 1000, or give ISO text), in item 0');
		expect(out[1].json.error).toBe('Birthday (birthday) must be a date in milliseconds, not the text "1714521600" (seconds? multiply by 1000, or give ISO text), in item 1');
		const sent = requestsTo('create').map((r) => bodyOf(r).data.object_data);
		expect(sent.map((d) => [d.name, d.birthday])).toEqual([2, 3, 4, 5].map((i) => [`D${i}`, may2024]));
	});

	test('read-only and empty-list fields of an auto-mapped item are left out; the mapper does not offer read-only ones', async () => {
		const items = [{ name: 'Auto', account_no: 'A-1', owner: [], tel: '123' }];
		await run({ operation: 'create', objectApiName: object('AccountObj'), fields: { mappingMode: 'autoMapInputData', value: null } }, [{}], { items });
		expect(bodyOf(requestsTo('create')[0]).data.object_data).toEqual({ dataObjectApiName: 'AccountObj', name: 'Auto', tel: '123' });
		const ctx = createLoadOptionsContext({ parameters: { objectApiName: object('AccountObj') }, credential: sandboxCredential(baseUrl) });
		const { fields } = await methods.resourceMapping.getCreateFields.call(ctx);
		expect(fields.map((f) => f.id)).not.toContain('account_no');
	});

	test('two items with the same match values in one run: the first creates, the second updates that record', async () => {
		const [out] = await run(
			{ operation: 'upsert', objectApiName: object('ContactObj') },
			[
				{ fields: { mappingMode: 'defineBelow', value: { name: 'Same', email: 'same@example.com', mobile: '1' }, matchingColumns: ['email'] } },
				{ fields: { mappingMode: 'defineBelow', value: { name: 'Same', email: 'same@example.com', mobile: '2' }, matchingColumns: ['email'] } },
			],
		);
		expect(out.map((o) => fieldsOf(o).upsert)).toEqual(['created', 'updated']);
		expect(fieldsOf(out[1]).dataId).toBe(fieldsOf(out[0]).dataId);
		const same = [...sandbox.crm.objects.get('ContactObj').records.values()].filter((r) => r.email === 'same@example.com');
		expect(same).toHaveLength(1);
		expect(same[0].mobile).toBe('2');
	});

	test('"system busy" on a create is not retried and the error says it may have been carried out', async () => {
		sandbox.injectNext('busy', 1, 'crm.create');
		const error = await run({ operation: 'create', objectApiName: object('AccountObj'), fields: defineBelow({ name: 'Busy' }) }).catch((e) => e);
		expect(error.context).toMatchObject({ errorCode: -1, maybeCarriedOut: true });
		expect(error.description).toContain('may have been carried out');
		expect(requestsTo('create')).toHaveLength(1);
	});

	test('a permanent delete that fails after the record went to the recycle bin says so', async () => {
		const [id] = sandbox.crm.seed('LeadsObj', 1);
		sandbox.injectNext('quotaNone30003', 1, 'crm.delete');
		const error = await run({ operation: 'delete', objectApiName: object('LeadsObj'), recordId: id, options: { ...FAST, deletePermanently: true } }).catch((e) => e);
		expect(error.context.errorCode).toBe(30003);
		expect(error.description).toMatch(/^The record is in the recycle bin; the permanent delete failed\./);
		expect(sandbox.crm.objects.get('LeadsObj').records.get(id).life_status).toBe('invalid');
	});
});

describe('get, update, delete', () => {
	test('get outputs the record; Simplify leaves out the keys the describe does not list', async () => {
		const [id] = sandbox.crm.seed('ContactObj', 1, () => ({ name: 'Ann', mobile: '13800000000' }));
		const [[simple]] = await run({ operation: 'get', objectApiName: object('ContactObj'), recordId: id });
		expect(simple.json).toMatchObject({ _id: id, name: 'Ann', mobile: '13800000000', life_status: 'normal' });
		expect(simple.json).not.toHaveProperty('tenant_id');
		const [[raw]] = await run({ operation: 'get', objectApiName: object('ContactObj'), recordId: id, simplify: false });
		expect(raw.json).toMatchObject({ _id: id, tenant_id: 'sandbox', version: 1 });
		expect(bodyOf(requestsTo('get')[0])).toEqual({ data: { dataObjectApiName: 'ContactObj', objectDataId: id } });
	});

	test('update sends _id with the changed fields; the owner and system fields of an auto-mapped record are skipped (also those the describe marks define_type system)', async () => {
		const [id] = sandbox.crm.seed('AccountObj', 1, () => ({ name: 'Old' }));
		const record = { ...sandbox.crm.objects.get('AccountObj').records.get(id) };
		// (lock_status and relevant_team: define_type "system" in the describe, as a real tenant's)
		const team = [{ teamMemberEmployee: ['1000'], teamMemberRole: '1', teamMemberPermissionType: '2' }];
		const items = [{ _id: record._id, owner: ['1000'], create_time: record.create_time, life_status: 'normal', lock_status: '0', relevant_team: team, name: 'New', employees: 7 }];
		const [out] = await run(
			{ operation: 'update', objectApiName: object('AccountObj'), recordId: id, fields: { mappingMode: 'autoMapInputData', value: null } },
			[{}],
			{ items },
		);
		expect(fieldsOf(out[0])).toMatchObject({ errorCode: 0, dataId: id });
		expect(bodyOf(requestsTo('update')[0]).data).toEqual({ object_data: { _id: id, dataObjectApiName: 'AccountObj', name: 'New', employees: '7' } });
		expect(sandbox.crm.objects.get('AccountObj').records.get(id)).toMatchObject({ name: 'New', employees: '7', version: 2 });
	});

	test('update clears a field mapped to empty text, null or an empty list (Define Below and Map Automatically); Skip Empty Values leaves them; a required one is refused', async () => {
		const [id] = sandbox.crm.seed('LeadsObj', 1, () => ({ name: 'Lead', company: 'Acme', mobile: '1390000', tags: ['vip'], leads_status: '2' }));
		const record = () => sandbox.crm.objects.get('LeadsObj').records.get(id);
		const update = (fields, options = {}, items) => run({ operation: 'update', objectApiName: object('LeadsObj'), recordId: id, fields, options: { ...FAST, ...options } }, [{}], items ? { items } : {});
		await update(defineBelow({ company: '', mobile: null, leads_status: '3' }));
		expect(bodyOf(requestsTo('update')[0]).data.object_data).toEqual({ _id: id, dataObjectApiName: 'LeadsObj', leads_status: '3', company: null, mobile: null });
		expect(record()).toMatchObject({ company: null, mobile: null, tags: ['vip'], leads_status: '3' });
		// Map Automatically: the item's empty fields are cleared too (an empty one the object lacks is no error)
		await update({ mappingMode: 'autoMapInputData', value: null }, {}, [{ tags: [], remark_nope: '', leads_status: '1' }]);
		expect(record()).toMatchObject({ tags: null, leads_status: '1' });
		// Skip Empty Values: today's behaviour for those who want it
		sandbox.crm.change('LeadsObj', id, { company: 'Back' });
		await update(defineBelow({ company: '', leads_status: '2' }), { skipEmptyValues: true });
		expect(bodyOf(requestsTo('update')[2]).data.object_data).toEqual({ _id: id, dataObjectApiName: 'LeadsObj', leads_status: '2' });
		expect(record().company).toBe('Back');
		// a required field cannot be emptied: said before anything is sent
		const error = await update(defineBelow({ name: '' })).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Fields (fields) empty Lead Name (name), which LeadsObj requires in item 0');
		expect(requestsTo('update')).toHaveLength(3);
	});

	test('delete moves to the recycle bin by default; Delete Permanently invalidates, then deletes', async () => {
		const [a, b] = sandbox.crm.seed('LeadsObj', 2);
		const [[first]] = await run({ operation: 'delete', objectApiName: object('LeadsObj'), recordId: a });
		expect(fieldsOf(first)).toMatchObject({ errorCode: 0, dataId: a, deleted: 'recycleBin' });
		expect(sandbox.crm.objects.get('LeadsObj').records.get(a).life_status).toBe('invalid');
		const [[second]] = await run({ operation: 'delete', objectApiName: object('LeadsObj'), recordId: b, options: { ...FAST, deletePermanently: true } });
		expect(fieldsOf(second)).toMatchObject({ errorCode: 0, dataId: b, deleted: 'permanently' });
		expect(sandbox.crm.objects.get('LeadsObj').records.has(b)).toBe(false);
		expect(sandbox.crm.writes.map((w) => `${w.action} ${w.id}`)).toEqual([`invalid ${a}`, `invalid ${b}`, `delete ${b}`]);
		expect(bodyOf(requestsTo('delete')[0])).toEqual({ data: { dataObjectApiName: 'LeadsObj', idList: [b] } });
	});
});

test('change owner: one employee ID as a list, through changeOwner; a missing owner sends nothing', async () => {
	const [id] = sandbox.crm.seed('object_ticket__c', 1, () => ({ name: 'T' }));
	const [[out]] = await run({ operation: 'changeOwner', objectApiName: object('object_ticket__c'), recordId: id, ownerId: 1001 });
	expect(fieldsOf(out)).toMatchObject({ errorCode: 0, dataId: id, owner: ['1001'] });
	expect(requestsTo('changeOwner')[0].endpoint).toBe('crm.custom.changeOwner');
	expect(bodyOf(requestsTo('changeOwner')[0])).toEqual({ data: { dataObjectApiName: 'object_ticket__c', Data: [{ objectDataId: id, ownerId: ['1001'] }] } });
	expect(sandbox.crm.objects.get('object_ticket__c').records.get(id).owner).toEqual(['1001']);
	const error = await run({ operation: 'changeOwner', objectApiName: object('object_ticket__c'), recordId: id, ownerId: ' ' }).catch((e) => e);
	expect(error.message).toBe('New Owner (ownerId) is empty in item 0');
	expect(requestsTo('changeOwner')).toHaveLength(1);
});

describe('get many', () => {
	test('filters (converted by field type), a limit (the most recently changed first) and the fields to return', async () => {
		// Modification times in another order than the ids: account i was changed at minute (7 i mod 30).
		const at = (i) => Date.UTC(2026, 0, 1) + ((i * 7) % 30) * 60_000;
		sandbox.crm.seed('AccountObj', 30, (i) => ({ name: `Account ${i}`, account_level: i % 3 === 0 ? '1' : '2', employees: String(i), last_modified_time: at(i) }));
		const [out] = await run({
			operation: 'getAll',
			objectApiName: object('AccountObj'),
			returnAll: false,
			limit: 4,
			filters: { conditions: [{ field: 'account_level', operator: 'EQ', value: 'Key' }, { field: 'employees', operator: 'GTE', value: '10' }] },
			options: { ...FAST, fieldProjection: ['name'] },
		});
		// Matching: 12, 15, 18, 21, 24, 27, changed at minutes 24, 15, 6, 27, 18, 9.
		expect(out.map((item) => item.json.name)).toEqual(['Account 21', 'Account 12', 'Account 24', 'Account 15']);
		expect(Object.keys(out[0].json).sort()).toEqual(['_id', 'name']);
		const info = bodyOf(requestsTo('query')[0]).data.search_query_info;
		expect(info.filters).toEqual([
			{ field_name: 'account_level', field_values: ['1'], operator: 'EQ' },
			{ field_name: 'employees', field_values: ['10'], operator: 'GTE' },
		]);
		expect(info).toMatchObject({
			limit: 4,
			offset: 0,
			orders: [
				{ fieldName: 'last_modified_time', isAsc: false },
				{ fieldName: '_id', isAsc: true },
			],
			fieldProjection: ['_id', 'name'],
		});
	});

	test('a limit beyond what offsets reach (10,100) without a sort keeps the _id cursor, which reads every record', async () => {
		sandbox.crm.seed('LeadsObj', 150);
		const [out] = await run({ operation: 'getAll', objectApiName: object('LeadsObj'), returnAll: false, limit: 20_000, options: FAST });
		expect(out).toHaveLength(150);
		const infos = requestsTo('query').map((r) => bodyOf(r).data.search_query_info);
		expect(infos.map((i) => i.orders)).toEqual([[{ fieldName: '_id', isAsc: true }], [{ fieldName: '_id', isAsc: true }]]);
	});

	// The one large run of the suite, where size is the point (elsewhere the sandbox's crmMaxOffset is
	// lowered so that paging past it takes a thousand records).
	test('Return All pages by _id past 10,000: 25,000 records, each exactly once, in _id order', async () => {
		const ids = sandbox.crm.seed('LeadsObj', 25000);
		const [out] = await run({ operation: 'getAll', objectApiName: object('LeadsObj'), returnAll: true });
		expect(out).toHaveLength(25000);
		expect(out.map((item) => item.json._id)).toEqual(ids);
		expect(out.every((item) => item.pairedItem.item === 0)).toBe(true);
		const queries = requestsTo('query');
		expect(queries).toHaveLength(251);
		expect(queries.every((r) => bodyOf(r).data.search_query_info.offset === 0)).toBe(true);
		expect(queries.every((r) => r.response.body.errorCode === 0)).toBe(true);
	}, 60000);

	test('with a sort, pages go by offset; a result too large for offset paging fails before any output', async () => {
		sandbox.crm.seed('LeadsObj', 250, (i) => ({ name: `Lead ${String(249 - i).padStart(3, '0')}` }));
		const [out] = await run({
			operation: 'getAll',
			objectApiName: object('LeadsObj'),
			returnAll: true,
			sort: { rules: [{ field: 'name', direction: 'asc' }] },
		});
		expect(out.map((item) => item.json.name)).toEqual(Array.from({ length: 250 }, (_, i) => `Lead ${String(i).padStart(3, '0')}`));
		expect(requestsTo('query').map((r) => bodyOf(r).data.search_query_info.offset)).toEqual([0, 100, 200]);
		// _id last: records equal in the sort keep one order from page to page
		expect(bodyOf(requestsTo('query')[0]).data.search_query_info.orders).toEqual([{ fieldName: 'name', isAsc: true }, { fieldName: '_id', isAsc: true }]);

		sandbox.crm.seed('LeadsObj', 10000);
		const error = await run({ operation: 'getAll', objectApiName: object('LeadsObj'), returnAll: true, sort: { rules: [{ field: 'name' }] } }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('10250 records match, more than a sorted query can page through, in item 0');
	});

	test('an unknown filter field is an input error, nothing sent', async () => {
		const unknown = await run({
			operation: 'getAll',
			objectApiName: object('AccountObj'),
			returnAll: true,
			filters: { conditions: [{ field: 'nope', operator: 'EQ', value: 'x' }] },
		}).catch((e) => e);
		expect(unknown.message).toBe('Field (field) of filter 1 names no field of the object ("nope") in item 0');
		expect(requestsTo('query')).toHaveLength(0);
	});
});

describe('upsert', () => {
	const upsert = (value, matchingColumns) => ({
		operation: 'upsert',
		objectApiName: object('ContactObj'),
		fields: { mappingMode: 'defineBelow', value, matchingColumns, schema: [] },
	});

	test('no match: created; one match: updated; several: the item fails naming them, nothing written', async () => {
		const [first] = await run(upsert({ name: 'Bo', email: 'bo@example.com', mobile: '1' }, ['email']));
		expect(fieldsOf(first[0])).toMatchObject({ errorCode: 0, upsert: 'created' });
		const created = fieldsOf(first[0]).dataId;
		const [second] = await run(upsert({ name: 'Bo', email: 'bo@example.com', mobile: '2' }, ['email']));
		expect(fieldsOf(second[0])).toMatchObject({ errorCode: 0, upsert: 'updated', dataId: created });
		expect(sandbox.crm.objects.get('ContactObj').records.get(created).mobile).toBe('2');
		expect(fieldsOf(second[0])).not.toHaveProperty('ownerIgnored');

		sandbox.crm.seed('ContactObj', 2, () => ({ name: 'Twin', email: 'twin@example.com' }));
		const writes = sandbox.crm.writes.length;
		const error = await run(upsert({ name: 'Twin', email: 'twin@example.com' }, ['email', 'name'])).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Upsert found several ContactObj records with email = "twin@example.com", name = "Twin" in item 0');
		expect(sandbox.crm.writes.length).toBe(writes);
	});

	test('a matched record gets its empty-mapped fields cleared; a created one is created without them', async () => {
		const [id] = sandbox.crm.seed('ContactObj', 1, () => ({ name: 'Cleared', email: 'cleared@example.com', mobile: '1' }));
		const [out] = await run(upsert({ name: 'Cleared', email: 'cleared@example.com', mobile: '' }, ['email']));
		expect(fieldsOf(out[0])).toMatchObject({ upsert: 'updated', dataId: id });
		expect(sandbox.crm.objects.get('ContactObj').records.get(id).mobile).toBeNull();
		const [created] = await run(upsert({ name: 'New', email: 'new@example.com', mobile: '' }, ['email']));
		expect(fieldsOf(created[0])).toMatchObject({ upsert: 'created' });
		expect(bodyOf(requestsTo('create').at(-1)).data.object_data).toEqual({ dataObjectApiName: 'ContactObj', name: 'New', email: 'new@example.com' });
	});

	test('a mapped owner on a record that matches is not applied (Change Owner changes owners): the output says ownerIgnored', async () => {
		const [id] = sandbox.crm.seed('ContactObj', 1, () => ({ name: 'Owned', email: 'owned@example.com', owner: ['1000'] }));
		const [out] = await run(upsert({ name: 'Owned', email: 'owned@example.com', owner: '1001' }, ['email']));
		expect(fieldsOf(out[0])).toMatchObject({ errorCode: 0, upsert: 'updated', dataId: id, ownerIgnored: true });
		expect(bodyOf(requestsTo('update')[0]).data.object_data).not.toHaveProperty('owner');
		expect(sandbox.crm.objects.get('ContactObj').records.get(id).owner).toEqual(['1000']);
		expect(requestsTo('changeOwner')).toHaveLength(0);
	});
});

describe('editor: objects and fields', () => {
	test('the object list, field names, and the resource mapper\'s fields for create, update and upsert', async () => {
		const credential = sandboxCredential(baseUrl);
		const ctx = (parameters) => createLoadOptionsContext({ parameters: { resource: 'crmObject', ...parameters }, credential });
		const { results } = await methods.listSearch.searchObjects.call(ctx({}), 'tick');
		expect(results).toEqual([{ name: 'Ticket (object_ticket__c)', value: 'object_ticket__c' }]);

		const chosen = ctx({ objectApiName: { __rl: true, mode: 'list', value: 'NewOpportunityObj' } });
		const names = await methods.loadOptions.getFieldNames.call(chosen);
		expect(names.map((o) => o.value)).toEqual(expect.arrayContaining(['_id', 'name', 'amount', 'close_date', 'sales_stage']));

		const create = await methods.resourceMapping.getCreateFields.call(chosen);
		const byId = Object.fromEntries(create.fields.map((f) => [f.id, f]));
		expect(byId.name).toMatchObject({ required: true, type: 'string', displayName: 'Opportunity Name (name)' });
		expect(byId.close_date).toMatchObject({ required: true, type: 'dateTime' });
		expect(byId.amount.type).toBe('number');
		expect(byId.sales_stage).toMatchObject({ type: 'options', options: expect.arrayContaining([{ name: 'Won', value: '3' }]) });
		expect(byId).not.toHaveProperty('_id');
		expect(byId).not.toHaveProperty('create_time');

		const update = await methods.resourceMapping.getUpdateFields.call(chosen);
		expect(update.fields.every((f) => f.required === false)).toBe(true);
		expect(update.fields.map((f) => f.id)).not.toContain('owner');
		const upsertFields = await methods.resourceMapping.getUpsertFields.call(chosen);
		expect(upsertFields.fields.every((f) => f.canBeUsedToMatch === true)).toBe(true);
		expect(upsertFields.fields.find((f) => f.id === 'owner').displayName).toMatch(/an update leaves it \(ownerIgnored\), Change Owner changes it$/);
	});

	test('no object chosen yet (or one from an expression the editor cannot resolve): no fields and nothing asked of Fxiaoke', async () => {
		const credential = sandboxCredential(baseUrl);
		for (const objectApiName of [{ __rl: true, mode: 'list', value: '' }, { __rl: true, mode: 'id', value: '  ' }]) {
			const ctx = createLoadOptionsContext({ parameters: { resource: 'crmObject', operation: 'create', objectApiName }, credential });
			expect(await methods.resourceMapping.getCreateFields.call(ctx)).toEqual({ fields: [] });
		}
		const throwing = createLoadOptionsContext({ parameters: { resource: 'crmObject' }, credential });
		throwing.getNodeParameter = () => {
			throw new Error('Referenced node is unexecuted');
		};
		expect(await methods.resourceMapping.getUpdateFields.call(throwing)).toEqual({ fields: [] });
		expect(requestsTo('describe')).toHaveLength(0);
	});

	test('a multi-select field lists its options in its name (n8n\'s mapper has no multi-select); labels or values, comma-separated or a list, are taken', async () => {
		const chosen = createLoadOptionsContext({ parameters: { resource: 'crmObject', objectApiName: object('LeadsObj') }, credential: sandboxCredential(baseUrl) });
		for (const method of ['getCreateFields', 'getUpdateFields', 'getUpsertFields']) {
			const byId = Object.fromEntries((await methods.resourceMapping[method].call(chosen)).fields.map((f) => [f.id, f]));
			expect(byId.tags).toMatchObject({ type: 'string', displayName: 'Tags (tags): one or more of VIP (vip), Event (event), Website (web), separated by commas' });
			expect(byId.tags.options).toBeUndefined();
			// a single select stays a dropdown
			expect(byId.leads_status).toMatchObject({ type: 'options', displayName: 'Lead Status (leads_status)', options: [{ name: 'New', value: '1' }, { name: 'Contacted', value: '2' }, { name: 'Qualified', value: '3' }] });
		}
		const [out] = await run({ operation: 'create', objectApiName: object('LeadsObj') }, [
			{ fields: defineBelow({ name: 'By labels', tags: 'Website, vip' }) },
			{ fields: defineBelow({ name: 'As a list', tags: ['Event', 'web'] }) },
			{ fields: defineBelow({ name: 'One', tags: 'event' }) },
		]);
		expect(out.map((item) => fieldsOf(item).errorCode)).toEqual([0, 0, 0]);
		expect(requestsTo('create').map((r) => bodyOf(r).data.object_data.tags)).toEqual([['web', 'vip'], ['event', 'web'], ['event']]);
	});

	test('a multi-select field with many options lists the first 20 and says how many more', async () => {
		const many = Array.from({ length: 23 }, (_, i) => ({ value: `o${i}`, label: `Option ${i}` }));
		const fields = sandbox.crm.objects.get('LeadsObj').fields;
		const at = fields.findIndex((f) => f.api_name === 'tags');
		fields[at] = { ...fields[at], options: many };
		const chosen = createLoadOptionsContext({ parameters: { resource: 'crmObject', objectApiName: object('LeadsObj') }, credential: sandboxCredential(baseUrl) });
		const tags = (await methods.resourceMapping.getCreateFields.call(chosen)).fields.find((f) => f.id === 'tags');
		expect(tags.displayName).toMatch(/^Tags \(tags\): one or more of Option 0 \(o0\), Option 1 \(o1\), .*, Option 19 \(o19\), … \(3 more\), separated by commas$/);
	});
});

describe('readable values (Options → Add Readable Values)', () => {
	// 2026-05-01 02:30 UTC: 10:30 in Shanghai (+08:00), 22:30 the day before in New York (-04:00)
	const CREATED = Date.UTC(2026, 4, 1, 2, 30, 0, 123);
	// a date field holds the day's midnight: 1990-05-01 in Shanghai
	const BIRTHDAY = Date.UTC(1990, 3, 30, 16, 0, 0);
	const readable = (extra = {}) => ({ ...FAST, addReadableValues: true, ...extra });

	beforeEach(() => sandbox.crm.setClock(CREATED));
	afterEach(() => sandbox.crm.setClock(null));

	test('Get Many: option labels and ISO 8601 dates in the workflow\'s time zone, each beside its raw value, which stays as it was', async () => {
		const [lead] = sandbox.crm.seed('LeadsObj', 1, () => ({ name: 'Lead', leads_status: '2', tags: ['vip', 'web', 'gone'] }));
		const [out] = await run({ operation: 'getAll', objectApiName: object('LeadsObj'), returnAll: true, options: readable() }, [{}], { timezone: 'Asia/Shanghai' });
		const record = out[0].json;
		expect(record).toMatchObject({
			_id: lead,
			leads_status: '2',
			leads_status__label: 'Contacted',
			tags: ['vip', 'web', 'gone'],
			// a value the describe does not list stays as it is
			tags__label: ['VIP', 'Website', 'gone'],
			create_time: CREATED,
			create_time__iso: '2026-05-01T10:30:00.123+08:00',
			last_modified_time: CREATED,
			last_modified_time__iso: '2026-05-01T10:30:00.123+08:00',
			life_status: 'normal',
			life_status__label: 'Normal',
		});
		// each right after its raw value (the table view shows them side by side)
		const keys = Object.keys(record);
		expect(keys[keys.indexOf('leads_status') + 1]).toBe('leads_status__label');
		expect(keys[keys.indexOf('create_time') + 1]).toBe('create_time__iso');
		// fields that are neither options nor dates get none; fields the record lacks get none
		expect(keys.filter((k) => k.endsWith('__label') || k.endsWith('__iso')).sort()).toEqual(
			['create_time__iso', 'last_modified_time__iso', 'leads_status__label', 'life_status__label', 'tags__label'].sort(),
		);
		expect(record).not.toHaveProperty('name__label');
	});

	test('Get: a date field as its day in the workflow\'s time zone; another zone, another day and offset; empty values read as null', async () => {
		const [contact] = sandbox.crm.seed('ContactObj', 1, () => ({ name: 'Ann', birthday: BIRTHDAY }));
		const [[shanghai]] = await run({ operation: 'get', objectApiName: object('ContactObj'), recordId: contact, options: readable() }, [{}], { timezone: 'Asia/Shanghai' });
		expect(shanghai.json).toMatchObject({ birthday: BIRTHDAY, birthday__iso: '1990-05-01', create_time__iso: '2026-05-01T10:30:00.123+08:00' });
		const [[newYork]] = await run({ operation: 'get', objectApiName: object('ContactObj'), recordId: contact, options: readable() }, [{}], { timezone: 'America/New_York' });
		expect(newYork.json).toMatchObject({ birthday: BIRTHDAY, birthday__iso: '1990-04-30', create_time__iso: '2026-04-30T22:30:00.123-04:00' });
		const [[utc]] = await run({ operation: 'get', objectApiName: object('ContactObj'), recordId: contact, simplify: false, options: readable() });
		// without Simplify too, and in UTC
		expect(utc.json).toMatchObject({ tenant_id: 'sandbox', create_time__iso: '2026-05-01T02:30:00.123+00:00', life_status__label: 'Normal' });

		const [account] = sandbox.crm.seed('AccountObj', 1, () => ({ name: 'No level', account_level: null }));
		const [[empty]] = await run({ operation: 'get', objectApiName: object('AccountObj'), recordId: account, options: readable() });
		expect(empty.json).toMatchObject({ account_level: null, account_level__label: null });
		const [lead] = sandbox.crm.seed('LeadsObj', 1, () => ({ name: 'Bare', leads_status: '', tags: null }));
		const [[bare]] = await run({ operation: 'get', objectApiName: object('LeadsObj'), recordId: lead, options: readable() });
		expect(bare.json).toMatchObject({ leads_status: '', leads_status__label: null, tags: null, tags__label: null });
	});

	test('off by default: the output is as before, with no readable keys', async () => {
		const [account] = sandbox.crm.seed('AccountObj', 1, () => ({ name: 'Acme', account_level: '1' }));
		const [[got]] = await run({ operation: 'get', objectApiName: object('AccountObj'), recordId: account });
		const [many] = await run({ operation: 'getAll', objectApiName: object('AccountObj'), returnAll: true });
		for (const json of [got.json, many[0].json]) {
			expect(json).toMatchObject({ account_level: '1', create_time: CREATED });
			expect(Object.keys(json).filter((k) => /__(label|iso)$/.test(k))).toEqual([]);
		}
	});
});
