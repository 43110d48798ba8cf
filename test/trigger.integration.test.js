// Fxiaoke Trigger: its poll against the sandbox's CRM over real HTTP, with the CRM clock under the
// test's control and the static data kept between polls as n8n keeps it.
const { FxiaokeTrigger } = require('../nodes/FxiaokeTrigger/FxiaokeTrigger.node');
const { CREATION_TOLERANCE_MS, MAX_HASHES, OVERLAP_MS } = require('../nodes/FxiaokeTrigger/changes');
const { createPollContext, sandboxCredential, useSandbox } = require('./support/harness');

let sandbox;
let baseUrl;

useSandbox({ each: { rateLimit: null, crmMaxOffset: 10000 } }, (env) => ({ sandbox, baseUrl } = env));

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const object = (value) => ({ __rl: true, mode: 'id', value });

/** A trigger with its static data, polled like n8n polls it (with `pollBudgetMs` as n8n 2.x gives it). */
function trigger(parameters, workflowId, pollBudgetMs) {
	const staticData = {};
	const credential = sandboxCredential(baseUrl);
	const params = { objectApiName: object('AccountObj'), event: 'createdOrUpdated', simplify: true, options: FAST, ...parameters };
	const node = new FxiaokeTrigger();
	return {
		staticData,
		/** One poll: the emitted items' JSON, or null. */
		async poll(mode = 'trigger') {
			const out = await node.poll.call(createPollContext({ parameters: params, credential, staticData, mode, workflowId, pollBudgetMs }));
			return out === null ? null : out[0].map((i) => i.json);
		},
	};
}

const at = (ms) => sandbox.crm.setClock(T0 + ms);
const put = (name, more = {}) => sandbox.crm.put('AccountObj', { name, ...more });
const names = (items) => (items ?? []).map((r) => r.name);

beforeEach(() => at(0));

test('the first poll starts from now: older records (also those within the overlap) are never emitted', async () => {
	at(-OVERLAP_MS - 5000);
	put('old');
	at(-1000);
	put('recent');
	at(0);
	const t = trigger();
	expect(await t.poll()).toBeNull();
	expect(await t.poll()).toBeNull();
	at(1000);
	put('new');
	expect(names(await t.poll())).toEqual(['new']);
	expect(await t.poll()).toBeNull();
});

test('a record whose create_time lies a day ahead (set by a client) is emitted once and does not move the mark: later records still come', async () => {
	const t = trigger({ event: 'created' });
	await t.poll();
	at(1000);
	const future = put('from the future');
	// as a create with hasSpecifyTime (API.md §12) writes it: Fxiaoke sets last_modified_time itself
	sandbox.crm.objects.get('AccountObj').records.get(future).create_time = T0 + 24 * 3600 * 1000;
	put('now 1');
	expect(names(await t.poll()).sort()).toEqual(['from the future', 'now 1']);
	at(2000);
	put('now 2');
	at(3000);
	put('now 3');
	expect(names(await t.poll())).toEqual(['now 2', 'now 3']);
	expect(await t.poll()).toBeNull();
	expect(t.staticData.state.mark).toBe(T0 + 3000);
});

test('created, then changed twice between polls: one creation event, then one update with the latest state', async () => {
	const t = trigger();
	await t.poll();
	at(1000);
	const id = put('Acme', { employees: '5' });
	const [created] = await t.poll();
	expect(created).toMatchObject({ _id: id, name: 'Acme', employees: '5' });
	expect(created).not.toHaveProperty('tenant_id'); // simplified
	at(2000);
	sandbox.crm.change('AccountObj', id, { employees: '6' });
	at(3000);
	sandbox.crm.change('AccountObj', id, { employees: '7' });
	const events = await t.poll();
	expect(events).toHaveLength(1);
	expect(events[0]).toMatchObject({ _id: id, employees: '7' });
	expect(await t.poll()).toBeNull();
});

test('Record Created ignores changes; Record Updated ignores creations', async () => {
	const created = trigger({ event: 'created' });
	const updated = trigger({ event: 'updated' });
	await created.poll();
	await updated.poll();
	at(1000);
	const id = put('Beta');
	expect(names(await created.poll())).toEqual(['Beta']);
	expect(await updated.poll()).toBeNull();
	at(30_000);
	sandbox.crm.change('AccountObj', id, { remark: 'x' });
	expect(await created.poll()).toBeNull();
	expect(names(await updated.poll())).toEqual(['Beta']);
});

test('Record Updated: a change within 10 s of the creation (a Fxiaoke workflow filling in fields) belongs to the creation; a later one is an update', async () => {
	const t = trigger({ event: 'updated' });
	await t.poll();
	at(1000);
	const id = put('Epsilon');
	at(1000 + CREATION_TOLERANCE_MS);
	sandbox.crm.change('AccountObj', id, { remark: 'set by a workflow on creation' });
	expect(await t.poll()).toBeNull();
	at(1001 + CREATION_TOLERANCE_MS);
	sandbox.crm.change('AccountObj', id, { remark: 'a person edits it' });
	expect(names(await t.poll())).toEqual(['Epsilon']);
});

test('Only When These Fields Change: a change to another field is no event', async () => {
	const t = trigger({ event: 'updated', watchFields: ['account_level'] });
	at(500);
	const id = put('Gamma', { account_level: '2' });
	await t.poll(); // activation: Gamma (within the overlap) is seen, its hash kept
	at(20_000);
	sandbox.crm.change('AccountObj', id, { remark: 'only a remark' });
	expect(await t.poll()).toBeNull();
	at(21_000);
	sandbox.crm.change('AccountObj', id, { account_level: '1' });
	expect(await t.poll()).toEqual([expect.objectContaining({ _id: id, account_level: '1' })]);
	at(22_000);
	sandbox.crm.change('AccountObj', id, { account_level: '1', remark: 'again' });
	expect(await t.poll()).toBeNull();
});

test('Only When These Fields Change, records older than the activation: a change to another field is no event; a change to a watched one is', async () => {
	at(-3 * 24 * 3600 * 1000);
	const old = put('Old key account', { account_level: '1' });
	const other = put('Old small account', { account_level: '3' });
	at(0);
	const t = trigger({ event: 'updated', watchFields: ['account_level'] });
	expect(await t.poll()).toBeNull(); // activation: the baseline of every record's watched values
	at(1000);
	sandbox.crm.change('AccountObj', old, { remark: 'only a remark' });
	expect(await t.poll()).toBeNull();
	at(2000);
	sandbox.crm.change('AccountObj', other, { account_level: '1' });
	sandbox.crm.change('AccountObj', old, { remark: 'another remark' });
	expect(names(await t.poll())).toEqual(['Old small account']);
	// the baseline is a projected scan, newest first: _id, the times and the watched field
	const baseline = sandbox.requests.find((r) => r.endpoint === 'crm.query' && r.body.data.search_query_info.filters.some((f) => f.operator === 'LTE'));
	expect(baseline.body.data.search_query_info).toMatchObject({
		orders: [{ fieldName: 'last_modified_time', isAsc: false }, { fieldName: '_id', isAsc: false }],
		fieldProjection: ['_id', 'create_time', 'last_modified_time', 'account_level'],
		offset: 0,
	});
});

test('Only When These Fields Change, a record whose values are not kept (past the bound, or created and changed between two polls): its change is its baseline, not an event', async () => {
	at(-3 * 24 * 3600 * 1000);
	const evicted = put('Evicted', { account_level: '2' });
	at(0);
	const t = trigger({ event: 'updated', watchFields: ['account_level'] });
	await t.poll();
	delete t.staticData.state.hashes[evicted]; // as MAX_HASHES drops the least recently changed
	at(1000);
	sandbox.crm.change('AccountObj', evicted, { account_level: '1', remark: 'x' });
	const fresh = put('Created and changed', { account_level: '3' });
	at(15_000);
	sandbox.crm.change('AccountObj', fresh, { account_level: '2' }); // 14 s later, before the next poll
	expect(await t.poll()).toBeNull();
	at(30_000);
	sandbox.crm.change('AccountObj', evicted, { account_level: '2' });
	sandbox.crm.change('AccountObj', fresh, { account_level: '1' });
	expect(names(await t.poll()).sort()).toEqual(['Created and changed', 'Evicted']);
	expect(Object.keys(t.staticData.state.hashes).length).toBeLessThanOrEqual(MAX_HASHES);
});

test('Max Changes per Poll: a backlog is emitted over several polls, oldest first, each change once; a cursor keeps the place, also inside one millisecond', async () => {
	const t = trigger({ event: 'created', options: { ...FAST, maxChangesPerPoll: 100 } });
	await t.poll();
	at(1000);
	const ids = Array.from({ length: 250 }, (_, i) => put(`same-ms ${i}`));
	at(2000);
	const later = Array.from({ length: 30 }, (_, i) => put(`later ${i}`));
	const polls = [];
	for (let i = 0; i < 4; i++) polls.push((await t.poll()) ?? []);
	expect(polls.map((p) => p.length)).toEqual([100, 100, 80, 0]);
	expect(polls.flat().map((r) => r._id)).toEqual([...ids, ...later]);
	expect(t.staticData.state.cursor).toBeUndefined();
	at(3000);
	put('after the backlog');
	expect(names(await t.poll())).toEqual(['after the backlog']);
	await expect(trigger({ event: 'created', options: { ...FAST, maxChangesPerPoll: 0 } }).poll()).rejects.toThrow('Option "Max Changes per Poll" must be a whole number of at least 1, not 0');
});

test("n8n's poll budget: a poll stops reading at 80 % of it (here at once: after its first page), emits what it read and goes on next time", async () => {
	const t = trigger({ event: 'created' }, undefined, 0);
	await t.poll();
	at(1000);
	const ids = [];
	for (let i = 0; i < 250; i++) {
		if (i % 3 === 0) at(1000 + i);
		ids.push(put(`r ${i}`));
	}
	const polls = [];
	for (let i = 0; i < 4; i++) polls.push((await t.poll()) ?? []);
	// (each poll's one page starts at its cursor's millisecond, so a page holds 100 or a few less)
	for (const p of polls.slice(0, 3)) expect(p.length).toBeGreaterThanOrEqual(50);
	expect(polls[3]).toEqual([]);
	expect(polls.flat().map((r) => r._id)).toEqual(ids);
});

test('a backlog of 100,000 changes drains over several polls (Max Changes per Poll 25,000), every change emitted once, in order', async () => {
	const t = trigger({ event: 'created', simplify: false, options: { ...FAST, maxChangesPerPoll: 25_000 } });
	await t.poll();
	const ids = [];
	for (let i = 0; i < 100_000; i++) {
		if (i % 10 === 0) at(1000 + i);
		ids.push(put(`backlog ${i}`));
	}
	const counts = [];
	const emitted = [];
	for (let i = 0; i < 5; i++) {
		const items = (await t.poll()) ?? [];
		counts.push(items.length);
		for (const r of items) emitted.push(r._id);
	}
	expect(counts).toEqual([25_000, 25_000, 25_000, 25_000, 0]);
	expect(emitted).toEqual(ids);
}, 300_000);

test('250 records changed within one millisecond: each emitted once (a page all one time is read on by _id)', async () => {
	const t = trigger({ event: 'created' });
	await t.poll();
	at(1000);
	const ids = Array.from({ length: 250 }, (_, i) => put(`same-ms ${i}`));
	const events = await t.poll();
	expect(events.map((r) => r._id)).toEqual(ids);
	expect(await t.poll()).toBeNull();
});

test('1,150 changed records: every one once, past the deepest offset (Fxiaoke: 10,000; the sandbox here: 1,000) (cursor by time)', async () => {
	sandbox.configure({ crmMaxOffset: 1000 });
	const t = trigger({ event: 'created' });
	await t.poll();
	const ids = [];
	for (let i = 0; i < 1150; i++) {
		if (i % 7 === 0) at(1000 + i); // several per millisecond, and many milliseconds
		ids.push(put(`bulk ${i}`));
	}
	const events = await t.poll();
	expect(events).toHaveLength(1150);
	expect(new Set(events.map((r) => r._id))).toEqual(new Set(ids));
	const queries = sandbox.requests.filter((r) => r.endpoint === 'crm.query');
	expect(queries.every((q) => q.body.data.search_query_info.offset === 0)).toBe(true);
	expect(await t.poll()).toBeNull();
}, 120_000);

test('only the fields needed are read while polling; the records emitted are read whole', async () => {
	const t = trigger({ event: 'updated', watchFields: ['tel'] });
	await t.poll();
	const scans = () => sandbox.requests.filter((r) => r.endpoint === 'crm.query' && r.body.data.search_query_info.fieldProjection);
	at(1000);
	const id = put('Delta', { tel: '1' });
	expect(await t.poll()).toBeNull(); // its creation: the baseline of its watched field
	at(20_000);
	sandbox.crm.change('AccountObj', id, { tel: '2' });
	const [event] = await t.poll();
	expect(event).toMatchObject({ _id: id, name: 'Delta', tel: '2' });
	const projections = scans().map((q) => q.body.data.search_query_info.fieldProjection);
	expect(projections.length).toBeGreaterThanOrEqual(3);
	for (const p of projections) expect(p).toEqual(['_id', 'create_time', 'last_modified_time', 'tel']);
	// the one whole read: the emitted record by _id
	const whole = sandbox.requests.filter((r) => r.endpoint === 'crm.query' && !r.body.data.search_query_info.fieldProjection);
	expect(whole.map((q) => q.body.data.search_query_info.filters)).toEqual([[{ field_name: '_id', field_values: [id], operator: 'IN' }]]);
});

test('a failure in the middle of a poll (after one page was read) throws, leaves the state as it was, and the next poll loses nothing', async () => {
	const t = trigger({ event: 'created' });
	await t.poll();
	at(1000);
	const ids = Array.from({ length: 150 }, (_, i) => put(`r ${i}`));
	const before = JSON.stringify(t.staticData);
	let pages = 0;
	sandbox.configure({
		onRecord: (r) => {
			// Fxiaoke's daily quota runs out after the first page (not retried: it would not help).
			if (r.endpoint === 'crm.query' && ++pages === 1) sandbox.injectNext('quotaDaily30002', 1, 'crm.query');
		},
	});
	const error = await t.poll().catch((e) => e);
	sandbox.configure({ onRecord: undefined });
	expect(error).toBeInstanceOf(Error);
	expect(error.context.errorCode).toBe(30002);
	expect(pages).toBe(2);
	expect(JSON.stringify(t.staticData)).toBe(before);
	const events = await t.poll();
	expect(events.map((r) => r._id)).toEqual(ids);
});

test('filters: only matching records are emitted', async () => {
	const t = trigger({ event: 'created', filters: { conditions: [{ field: 'account_level', operator: 'EQ', value: 'Key' }] } });
	await t.poll();
	at(1000);
	put('small', { account_level: '3' });
	put('key', { account_level: '1' });
	expect(names(await t.poll())).toEqual(['key']);
});

test('Fetch Test Event (manual): the newest matching record, the saved state untouched', async () => {
	const t = trigger({ event: 'createdOrUpdated' });
	at(-5000);
	put('older');
	at(-1000);
	put('newest');
	await t.poll();
	const before = JSON.stringify(t.staticData);
	expect(names(await t.poll('manual'))).toEqual(['newest']);
	expect(JSON.stringify(t.staticData)).toBe(before);
	const empty = trigger({ filters: { conditions: [{ field: 'name', operator: 'EQ', value: 'nobody' }] } });
	await expect(empty.poll('manual')).rejects.toThrow('No AccountObj record matches the filters');
});

test('Fetch Test Event for Record Updated: the newest record changed after its creation, past a page of new ones', async () => {
	at(-60_000);
	const changed = put('changed later');
	at(-30_000);
	sandbox.crm.change('AccountObj', changed, { remark: 'an update' });
	at(-5000);
	for (let i = 0; i < 150; i++) put(`new ${i}`); // newer, never updated: not events of Record Updated
	const updated = trigger({ event: 'updated' });
	expect(names(await updated.poll('manual'))).toEqual(['changed later']);
	expect(names(await trigger({ event: 'createdOrUpdated' }).poll('manual'))).toEqual(['new 149']);
	const onlyNew = trigger({ event: 'updated', filters: { conditions: [{ field: 'name', operator: 'STARTWITH', value: 'new' }] } });
	await expect(onlyNew.poll('manual')).rejects.toThrow('No AccountObj record changed after its creation among the 500 most recently changed');
});

test('a workflow ID longer than n8n keeps static data for (21 characters) stops the poll with a clear error, and nothing is read', async () => {
	const before = sandbox.requests.length;
	const t = trigger({}, 'fxkAccountLevelMessage');
	await expect(t.poll()).rejects.toThrow('The workflow ID "fxkAccountLevelMessage" is longer than 21 characters');
	expect(sandbox.requests.slice(before).filter((r) => r.endpoint.startsWith('crm.'))).toEqual([]);
	expect(t.staticData).toEqual({});
	// Fetch Test Event keeps no state: it still works
	put('any');
	expect(names(await t.poll('manual'))).toEqual(['any']);
	// 21 characters are kept
	expect(await trigger({}, 'a'.repeat(21)).poll()).toBeNull();
});
