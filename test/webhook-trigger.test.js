// Fxiaoke Webhook Trigger, the parts that need no n8n: what a push says, the repeat store, and the
// APL function the node generates, read back by the sandbox as the request Fxiaoke would make.
const http = require('node:http');
const { aplFunction, SECRET_HEADER, SECRET_PLACEHOLDER } = require('../nodes/FxiaokeWebhookTrigger/apl');
const { eventOfRecord, pushFromApl, pushFromCallback, RecentChanges } = require('../nodes/FxiaokeWebhookTrigger/push');
const { CREATION_TOLERANCE_MS } = require('../nodes/FxiaokeTrigger/changes');
const { parseAplFunction, runAplFunction } = require('../sandbox/apl');

const T = Date.UTC(2026, 11, 6);
const lead = (more = {}) => ({ _id: '5f9cd4e6e4400e0001217faa', object_describe_api_name: 'LeadsObj', name: 'Lead', create_time: T, last_modified_time: T, version: 1, life_status: 'normal', ...more });

test('the event of a pushed record: created, updated (more than 10 s after its creation, as the polling trigger decides), invalidated', () => {
	expect(eventOfRecord(lead())).toBe('created');
	expect(eventOfRecord(lead({ last_modified_time: T + CREATION_TOLERANCE_MS }))).toBe('created');
	expect(eventOfRecord(lead({ last_modified_time: T + CREATION_TOLERANCE_MS + 1 }))).toBe('updated');
	expect(eventOfRecord(lead({ life_status: 'invalid', last_modified_time: T + 60_000 }))).toBe('invalidated');
});

test('an APL push: the object (given, or the record\'s own), the record, a change key that is the same for a repeat and differs for the next version', () => {
	expect(pushFromApl({ objectApiName: 'LeadsObj', data: lead() })).toEqual({
		objectApiName: 'LeadsObj',
		recordId: lead()._id,
		event: 'created',
		changeKey: `LeadsObj|${lead()._id}|created|1`,
		data: lead(),
	});
	expect(pushFromApl({ data: lead() }).objectApiName).toBe('LeadsObj');
	expect(pushFromApl({ data: lead({ version: 2, last_modified_time: T + 60_000 }) }).changeKey).toBe(`LeadsObj|${lead()._id}|updated|2`);
	for (const [body, reason] of [
		[null, 'the body is not a JSON object'],
		[[lead()], 'the body is not a JSON object'],
		[{ objectApiName: 'LeadsObj' }, 'data (the record) is not an object'],
		[{ objectApiName: '../x', data: lead() }, 'objectApiName is not an API name'],
		[{ data: lead({ _id: 'a/b' }) }, 'data._id is not a record ID'],
	]) {
		expect(pushFromApl(body)).toBe(reason);
	}
});

test('an event callback push: its object, record and event; keyed by messageId (a retry has the same one)', () => {
	const event = { tenantId: 691413, eventType: 'update', apiName: 'AccountObj', dataId: '5f9cd4e6e4400e0001217faa', messageId: 'AC11' };
	expect(pushFromCallback(event)).toEqual({ objectApiName: 'AccountObj', recordId: event.dataId, event: 'updated', changeKey: 'callback|AC11', data: null });
	expect(pushFromCallback({ ...event, eventType: 'somethingNew' }).event).toBe('somethingNew');
	expect(pushFromCallback({ ...event, apiName: 1 })).toBe('apiName is not an API name');
});

test('recent changes: a key is new once; bounded, the oldest forgotten first; what static data saved is learnt, the newest kept as digests', () => {
	const recent = new RecentChanges(3);
	expect(['a', 'b', 'a', 'c'].map((k) => recent.add(k))).toEqual([true, true, false, true]);
	expect(recent.add('d')).toBe(true); // a is dropped
	expect(recent.add('a')).toBe(true);
	expect(recent.add('c')).toBe(false);
	// saved digests: short, not the key (keys name records), newest last
	const saved = recent.newest(2);
	expect(saved).toHaveLength(2);
	for (const digest of saved) expect(digest).toMatch(/^[A-Za-z0-9_-]{16}$/);
	// a process that starts (a restart, another webhook process) learns them: their repeats are not new
	const restarted = new RecentChanges(3);
	restarted.remember([...saved, 42, null]);
	expect(['d', 'a', 'c', 'e'].map((k) => restarted.add(k))).toEqual([false, false, true, true]);
	expect(restarted.newest(10)).toHaveLength(3);
});

test('the generated APL function is what the sandbox runs: its URL, the secret header, the record as the body', async () => {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ path: req.url, headers: req.headers, body: JSON.parse(body) });
			res.setHeader('content-type', 'application/json');
			res.end('{"received":true}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const url = `http://127.0.0.1:${server.address().port}/webhook/abc/fxiaoke`;
		const shown = aplFunction(url, SECRET_PLACEHOLDER);
		expect(shown).toContain(`String secret = "${SECRET_PLACEHOLDER}"`);
		const text = aplFunction(url, 'a "quoted" secret\\');
		expect(parseAplFunction(text)).toEqual({ url, headers: { 'Content-Type': 'application/json', [SECRET_HEADER]: 'a "quoted" secret\\' } });
		const result = await runAplFunction(text, lead());
		expect(result).toEqual({ error: false, statusCode: 200, content: '{"received":true}', message: '' });
		expect(received).toEqual([{ path: '/webhook/abc/fxiaoke', headers: expect.objectContaining({ [SECRET_HEADER]: 'a "quoted" secret\\', 'content-type': 'application/json' }), body: { objectApiName: 'LeadsObj', data: lead() } }]);
		expect(() => parseAplFunction(text.replace('Fx.http.post', 'Fx.http.get'))).toThrow('not the generated APL function: no post line');
	} finally {
		server.close();
	}
});
