// The sandbox's control endpoints that push like Fxiaoke (sandbox/push.js): the APL function read
// from a trigger's URL and run for a record the sandbox holds, and the event callback retried with
// the same messageId until the answer is the encrypted "success".
const crypto = require('node:crypto');
const http = require('node:http');
const { createSandbox } = require('../sandbox/server');
const { decrypt, encrypt } = require('../sandbox/callback');
const { aplFunction, SECRET_PLACEHOLDER } = require('../nodes/FxiaokeWebhookTrigger/apl');
const { callbackReply, checkCallback } = require('../nodes/FxiaokeWebhookTrigger/eventCallback');

/** A stand-in for the trigger's URL: GET shows the function, POST records the push and answers with `reply(n)`. */
async function receiver(reply) {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const url = `http://127.0.0.1:${server.address().port}/webhook/abc/fxiaoke`;
			if (req.method === 'GET') return res.end(aplFunction(url, SECRET_PLACEHOLDER));
			received.push({ headers: req.headers, body: JSON.parse(body) });
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify(reply(received.length, JSON.parse(body))));
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${server.address().port}/webhook/abc/fxiaoke`, received, close: () => new Promise((r) => server.close(r)) };
}

async function post(baseUrl, path, body) {
	const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
	return { status: res.status, json: await res.json() };
}

let sandbox;
let baseUrl;
beforeAll(async () => {
	sandbox = createSandbox();
	baseUrl = await sandbox.listen();
});
afterAll(() => sandbox.close());

test('push/apl: the function read from the URL, the secret put in, run for the sandbox\'s record: the record arrives with the header; what Fx.http.post returned is the answer', async () => {
	const hook = await receiver(() => ({ received: true }));
	try {
		const id = sandbox.crm.put('LeadsObj', { name: 'Pushed by the sandbox' });
		const answer = await post(baseUrl, '/sandbox/push/apl', { objectApiName: 'LeadsObj', recordId: id, functionUrl: hook.url, secret: 'a-secret-of-20-chars' });
		expect(answer).toEqual({ status: 200, json: { error: false, statusCode: 200, content: '{"received":true}', message: '' } });
		expect(hook.received).toEqual([
			{ headers: expect.objectContaining({ 'x-fxiaoke-secret': 'a-secret-of-20-chars' }), body: { objectApiName: 'LeadsObj', data: expect.objectContaining({ _id: id, name: 'Pushed by the sandbox' }) } },
		]);
		// or the text itself; a URL that refuses connections: Fx.http.post's error after its retries
		const text = aplFunction('http://127.0.0.1:9/webhook/x/fxiaoke', 'unused-secret-unused');
		const refused = await post(baseUrl, '/sandbox/push/apl', { objectApiName: 'LeadsObj', recordId: id, functionText: text });
		expect(refused).toMatchObject({ status: 200, json: { error: true, statusCode: null } });
	} finally {
		await hook.close();
	}
});

test('push/callback: retried with retryTimes 1, 2 and the same messageId until the answer is the encrypted success; the node\'s checks accept every attempt', async () => {
	const aesKey = crypto.randomBytes(32).toString('base64');
	const hook = await receiver((n, body) => {
		const check = checkCallback(body, aesKey, Date.now(), 60_000);
		expect(check.ok).toBe(true);
		return n < 3 ? { error: 'busy' } : callbackReply(aesKey, 'success', Date.now(), 'nonce');
	});
	try {
		const id = sandbox.crm.put('AccountObj', { name: 'Called back' });
		const answer = await post(baseUrl, '/sandbox/push/callback', { objectApiName: 'AccountObj', recordId: id, url: hook.url, aesKey });
		expect(answer.status).toBe(200);
		expect(answer.json.attempts).toEqual([
			{ retryTimes: 0, status: 200, success: false },
			{ retryTimes: 1, status: 200, success: false },
			{ retryTimes: 2, status: 200, success: true },
		]);
		expect(hook.received.map((r) => r.body.retryTimes)).toEqual([undefined, 1, 2]);
		const events = hook.received.map((r) => JSON.parse(decrypt(r.body.encryptedContent, aesKey)));
		expect(events.map((e) => [e.apiName, e.dataId, e.eventType, e.messageId])).toEqual(Array(3).fill(['AccountObj', id, 'update', answer.json.messageId]));
		// an answer that never succeeds: the first try and `retries` more
		const never = await receiver(() => ({ encryptedResult: encrypt('failure', aesKey) }));
		try {
			const gaveUp = await post(baseUrl, '/sandbox/push/callback', { objectApiName: 'AccountObj', recordId: id, url: never.url, aesKey, retries: 1, eventType: 'invalid' });
			expect(gaveUp.json.attempts.map((a) => a.success)).toEqual([false, false]);
			expect(never.received).toHaveLength(2);
		} finally {
			await never.close();
		}
	} finally {
		await hook.close();
	}
});

test('push endpoints: bad requests are answered 400 with the reason, nothing pushed', async () => {
	const id = sandbox.crm.put('LeadsObj', { name: 'x' });
	const cases = [
		['/sandbox/push/apl', 'not json', 'the body must be JSON'],
		['/sandbox/push/apl', [], 'the body must be a JSON object'],
		['/sandbox/push/apl', { recordId: id }, 'objectApiName is required (text)'],
		['/sandbox/push/apl', { objectApiName: 'LeadsObj', recordId: 'nope' }, 'no LeadsObj record nope in the sandbox'],
		['/sandbox/push/apl', { objectApiName: 'LeadsObj', recordId: id }, 'functionUrl is required (text)'],
		['/sandbox/push/apl', { objectApiName: 'LeadsObj', recordId: id, functionText: 'return 1' }, expect.stringContaining('not the generated APL function')],
		['/sandbox/push/callback', { objectApiName: 'LeadsObj', recordId: id, url: 'http://127.0.0.1:9/' }, 'aesKey is required (text)'],
		['/sandbox/push/callback', { objectApiName: 'LeadsObj', recordId: id, url: 'http://127.0.0.1:9/', aesKey: 'k', retries: 99 }, 'retries must be a whole number from 0 to 10'],
	];
	for (const [path, body, error] of cases) expect(await post(baseUrl, path, body)).toEqual({ status: 400, json: { error } });
});

test('POST /sandbox/change changes a record as a person would (checked as an update; the modification time moves); bad input is a 400', async () => {
  const { createSandbox } = require('../sandbox/server');
  const sb = createSandbox();
  const base = await sb.listen(0, '127.0.0.1');
  try {
    const id = sb.crm.put('AccountObj', { name: 'Changed by hand', account_level: '2' });
    const before = sb.crm.objects.get('AccountObj').records.get(id).version;
    const post = (body) => fetch(`${base}/sandbox/change`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post({ objectApiName: 'AccountObj', recordId: id, fields: { account_level: '1' } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).record).toMatchObject({ _id: id, account_level: '1', version: before + 1 });
    for (const [body, error] of [
      [{ objectApiName: 'AccountObj', recordId: id, fields: { account_level: '9' } }, /account_level/],
      [{ objectApiName: 'AccountObj', recordId: id }, /fields is required/],
      [{ objectApiName: 'AccountObj', recordId: 'nope', fields: { name: 'x' } }, /no AccountObj record nope/],
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(error);
    }
  } finally {
    await sb.close();
  }
});
