// Message → Revoke against the sandbox over real HTTP, with the node's own execute().
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { CODES } = require('../sandbox/codes');
const demo = require('../sandbox/demo-app');
const { runNode, sandboxCredential, useSandbox } = require('./support/harness');
const { resetTokenCache } = require('../nodes/Fxiaoke/transport');
const { fieldsOf, UUID_V4 } = require('./support/items');

let sandbox;
let baseUrl;

useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

const ids = (n, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const revokeParams = (items) => (i) => ({ resource: 'message', operation: 'revoke', ...items[i] });
const revokes = () => sandbox.requests.filter((r) => r.endpoint === 'revoke');

function revokeRun(credential, messageIds, { options, ...extra } = {}) {
	const items = messageIds.map((messageId) => ({ serviceId: demo.serviceId, messageId }));
	const parameters = options === undefined ? revokeParams(items) : (i) => ({ ...revokeParams(items)(i), options });
	return runNode({ items, parameters, credential, ...extra });
}

test('100 items: one token call, 100 revokes with the documented headers, body and trace ids', async () => {
	const messageIds = ids(100);
	sandbox.seedMessages(demo.serviceId, messageIds);
	const credential = sandboxCredential(baseUrl);

	const [output] = await revokeRun(credential, messageIds);

	expect(sandbox.stats.tokenCalls).toBe(1);
	expect(output).toHaveLength(100);
	output.forEach((item, i) => {
		expect(item.pairedItem).toEqual({ item: i });
		expect(fieldsOf(item).errorCode).toBe(0);
		expect(fieldsOf(item).traceId).toEqual(expect.any(String));
	});
	const sent = revokes();
	expect(sent).toHaveLength(100);
	const token = credential.data.accessToken;
	expect(token).not.toBe('');
	sent.forEach((request, i) => {
		expect(JSON.parse(request.rawBody)).toEqual({ serviceId: demo.serviceId, messageId: messageIds[i] });
		expect(request.headers.authorization).toBe(`Bearer ${token}`);
		expect(request.headers['x-fs-ea']).toBe(demo.ea);
		expect(request.headers['x-fs-userid']).toBe(demo.userId);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.query.thirdTraceId).toMatch(UUID_V4);
	});
	expect(new Set(sent.map((r) => r.query.thirdTraceId)).size).toBe(100);
	expect(messageIds.every((id) => sandbox.messages.get(id).revoked)).toBe(true);
	// What the user sees is Fxiaoke's response as received, the IDs sent and alreadyRevoked: false.
	expect(output[0].json).toEqual({ ...sent[0].response.body, serviceId: demo.serviceId, messageId: messageIds[0], alreadyRevoked: false });
});

test('a later run in a new process reuses the persisted token', async () => {
	sandbox.seedMessages(demo.serviceId, ids(20));
	const credential = sandboxCredential(baseUrl);
	await revokeRun(credential, ids(10));
	expect(credential.persisted).toBe(1);
	resetTokenCache(); // as if another n8n process (or worker) ran the next execution
	await revokeRun(credential, ids(20).slice(10));
	expect(sandbox.stats.tokenCalls).toBe(1);
	expect(revokes().every((r) => r.response.body.errorCode === 0)).toBe(true);
});

test('20016 after the token died: one refresh, the request is retried once and succeeds', async () => {
	sandbox.seedMessages(demo.serviceId, ids(15));
	const credential = sandboxCredential(baseUrl);
	await revokeRun(credential, ids(5));
	const firstToken = credential.data.accessToken;
	sandbox.expireTokens();
	const [output] = await revokeRun(credential, ids(15).slice(5));
	expect(output.map((i) => fieldsOf(i).errorCode)).toEqual(Array(10).fill(0));
	expect(sandbox.stats.tokenCalls).toBe(2);
	expect(credential.data.accessToken).not.toBe(firstToken);
	// Only the requests already in flight with the dead token (at most the concurrency, 5) were rejected.
	const rejected = revokes().filter((r) => r.response.body.errorCode === 20016).length;
	expect(rejected).toBeGreaterThanOrEqual(1);
	expect(rejected).toBeLessThanOrEqual(5);
});

test('a token with less than 550 s of life left is refreshed before use', async () => {
	sandbox.seedMessages(demo.serviceId, ids(2));
	const credential = sandboxCredential(baseUrl);
	await revokeRun(credential, ids(1));
	const oldToken = credential.data.accessToken;
	sandbox.advanceTime(6700); // Fxiaoke now issues a new token (age > 6600 s)...
	credential.data.tokenExpiresAt = Date.now() + 500_000; // ...and the node sees 500 s left
	resetTokenCache();
	await revokeRun(credential, ids(2).slice(1));
	expect(sandbox.stats.tokenCalls).toBe(2);
	expect(credential.data.accessToken).not.toBe(oldToken);
	expect(revokes().every((r) => r.response.body.errorCode === 0)).toBe(true);
});

test('a token stored for other app settings (fingerprint differs) is not used', async () => {
	sandbox.seedMessages(demo.serviceId, ids(2));
	const credential = sandboxCredential(baseUrl);
	await revokeRun(credential, ids(1));
	credential.data.tokenFingerprint = 'from-before-the-credential-was-edited';
	resetTokenCache();
	await revokeRun(credential, ids(2).slice(1));
	expect(sandbox.stats.tokenCalls).toBe(2);
	expect(revokes().map((r) => r.response.body.errorCode)).toEqual([0, 0]);
});

test('20016 twice for one request: refreshed once, then a NodeApiError with errorCode and traceId', async () => {
	sandbox.seedMessages(demo.serviceId, ids(1));
	const credential = sandboxCredential(baseUrl);
	sandbox.injectNext('error20016', 2, 'revoke');
	const error = await revokeRun(credential, ids(1)).catch((e) => e);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.context).toMatchObject({ errorCode: 20016, itemIndex: 0, traceId: expect.any(String) });
	expect(revokes()).toHaveLength(2);
	expect(sandbox.stats.tokenCalls).toBe(2);
});

test('Fxiaoke errors: NodeApiError naming errorCode, errorDescription, traceId, the IDs sent and the item', async () => {
	sandbox.seedMessages(demo.serviceId, ['known']);
	const credential = sandboxCredential(baseUrl);
	const error = await revokeRun(credential, ['known', 'unknown-id']).catch((e) => e);
	expect(error).toBeInstanceOf(NodeApiError);
	const answer = revokes()[1].response.body;
	expect(answer.errorCode).toBe(CODES.MESSAGE_NOT_FOUND.errorCode);
	expect(error.context).toMatchObject({
		errorCode: answer.errorCode,
		errorDescription: answer.errorDescription,
		traceId: answer.traceId,
		itemIndex: 1,
	});
	expect(error.message).toBe(
		`Fxiaoke /cgi/app/message/revoke: Fxiaoke error 90001: ${answer.errorDescription}, for serviceId "${demo.serviceId}" and messageId "unknown-id" in item 1`,
	);
	expect(error.description).toBe(`errorCode 90001; traceId ${answer.traceId}; item 1`);
});

test('Map Automatically: the error quotes the IDs taken from the input item, as sent', async () => {
	const items = [{ sa: demo.serviceId, mid: 'msg-9' }];
	const parameters = () => ({ resource: 'message', operation: 'revoke', dataMode: 'autoMapInputData', serviceIdField: 'sa', messageIdField: 'mid' });
	const [[item]] = await runNode({ items, parameters, credential: sandboxCredential(baseUrl), continueOnFail: true });
	expect(item.json.error).toMatch(/: Fxiaoke error 90001: .+, for serviceId "FSAID_demo_service" and messageId "msg-9" in item 0$/);
	expect(fieldsOf(item)).toMatchObject({ errorCode: 90001, traceId: revokes()[0].response.body.traceId });
});

test('Continue On Fail: one output item per input, paired, error items carry errorCode and traceId', async () => {
	const good = ids(6, 'ok');
	sandbox.seedMessages(demo.serviceId, good);
	const credential = sandboxCredential(baseUrl);
	const messageIds = ['ok-0', 'missing-1', 'ok-1', 'ok-2', 'missing-2', 'ok-3'];
	const [output] = await revokeRun(credential, messageIds, { continueOnFail: true });
	expect(output).toHaveLength(6);
	output.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
	for (const i of [1, 4]) {
		expect(output[i].json).toMatchObject({ error: expect.any(String), details: { errorCode: expect.any(Number), traceId: expect.any(String) } });
		expect(fieldsOf(output[i]).errorCode).not.toBe(0);
	}
	for (const i of [0, 2, 3, 5]) expect(fieldsOf(output[i]).errorCode).toBe(0);
});

describe('Options → Already Revoked (the sandbox answers a second revoke with 90003)', () => {
	const ALREADY = CODES.MESSAGE_ALREADY_REVOKED;

	test('an entry of the Options collection, shown for Message → Revoke only, Treat as Success by default', () => {
		const { Fxiaoke } = require('../nodes/Fxiaoke/Fxiaoke.node');
		const collection = new Fxiaoke().description.properties.find((p) => p.name === 'options');
		const option = collection.options.find((o) => o.name === 'alreadyRevoked');
		expect(option).toMatchObject({ displayName: 'Already Revoked', type: 'options', default: 'success' });
		expect(option.displayOptions).toEqual({ show: { '/resource': ['message'], '/operation': ['revoke'] } });
		expect(option.options.map((o) => [o.name, o.value])).toEqual([['Treat as Error', 'error'], ['Treat as Success', 'success']]);
	});
	const twice = (options, extra = {}) => revokeRun(sandboxCredential(baseUrl), ['once', 'once'], { options: { concurrency: 1, ...options }, ...extra });

	test('by default a second revoke is a success (errorCode 0) with alreadyRevoked: true, Fxiaoke\'s traceId and words', async () => {
		sandbox.seedMessages(demo.serviceId, ['once']);
		const [output] = await twice({});
		const [first, second] = revokes().map((r) => r.response.body);
		expect(first.errorCode).toBe(0);
		expect(second.errorCode).toBe(ALREADY.errorCode);
		expect(output.map((o) => o.json)).toEqual([
			{ ...first, serviceId: demo.serviceId, messageId: 'once', alreadyRevoked: false },
			{ ...second, errorCode: 0, serviceId: demo.serviceId, messageId: 'once', alreadyRevoked: true },
		]);
		expect(output[1].json).toMatchObject({ traceId: second.traceId, errorMessage: ALREADY.errorMessage, errorDescription: ALREADY.errorDescription });
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(revokes()).toHaveLength(2); // 90003 is not retried
		expect(sandbox.messages.get('once').revokedCount).toBe(1);
	});

	test('"Treat as Success" chosen explicitly is the same as the default', async () => {
		sandbox.seedMessages(demo.serviceId, ['once']);
		const [output] = await twice({ alreadyRevoked: 'success' });
		expect(output.map((o) => o.json.alreadyRevoked)).toEqual([false, true]);
	});

	test('"Treat as Error": a NodeApiError with errorCode 90003 and traceId, naming the IDs and the option', async () => {
		sandbox.seedMessages(demo.serviceId, ['once']);
		const error = await twice({ alreadyRevoked: 'error' }).catch((e) => e);
		const answer = revokes()[1].response.body;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			`Fxiaoke /cgi/app/message/revoke: Fxiaoke error ${ALREADY.errorCode}: ${ALREADY.errorDescription}, for serviceId "${demo.serviceId}" and messageId "once" in item 1`,
		);
		expect(error.context).toMatchObject({ errorCode: ALREADY.errorCode, errorDescription: ALREADY.errorDescription, traceId: answer.traceId, itemIndex: 1 });
		expect(error.context.possiblyRevoked).toBeUndefined();
		expect(error.description).toMatch(new RegExp(`^errorCode ${ALREADY.errorCode}; traceId ${answer.traceId}; item 1`));
		expect(error.description).toMatch(/Already Revoked → Treat as Success/);
	});

	test('"Treat as Error" with Continue On Fail: an error item with errorCode 90003, the first item a success', async () => {
		sandbox.seedMessages(demo.serviceId, ['once']);
		const [output] = await twice({ alreadyRevoked: 'error' }, { continueOnFail: true });
		expect(output[0].json).toMatchObject({ errorCode: 0, alreadyRevoked: false });
		expect(output[1].json.error).toMatch(/for serviceId "FSAID_demo_service" and messageId "once" in item 1$/);
		expect(fieldsOf(output[1])).toMatchObject({ errorCode: ALREADY.errorCode, traceId: revokes()[1].response.body.traceId });
	});

	test.each([
		['default', {}],
		['Treat as Error', { alreadyRevoked: 'error' }],
	])('%s: other Fxiaoke errors stay errors (90001 unknown message, 90002 another service)', async (_name, options) => {
		sandbox.seedMessages('FSAID_other_service', ['theirs']);
		const items = [{ serviceId: demo.serviceId, messageId: 'nobody-sent-this' }, { serviceId: demo.serviceId, messageId: 'theirs' }];
		const [output] = await runNode({ items, parameters: (i) => ({ ...revokeParams(items)(i), options }), credential: sandboxCredential(baseUrl), continueOnFail: true });
		expect(output.map((o) => fieldsOf(o).errorCode)).toEqual([CODES.MESSAGE_NOT_FOUND.errorCode, CODES.SERVICE_MISMATCH.errorCode]);
		expect(output.every((o) => o.json.error !== undefined && o.json.alreadyRevoked === undefined)).toBe(true);
	});

	describe('a revoke carried out but unanswered, retried, answered 90003', () => {
		test('by default: a success with alreadyRevoked: true, revoked once', async () => {
			sandbox.seedMessages(demo.serviceId, ['lost-reply']);
			sandbox.injectNext('resetAfterApply', 1, 'revoke');
			const [[item]] = await revokeRun(sandboxCredential(baseUrl), ['lost-reply'], { continueOnFail: true });
			const sent = revokes();
			expect(sent).toHaveLength(2);
			expect(sent[1].response.body.errorCode).toBe(ALREADY.errorCode);
			expect(item.json).toEqual({ ...sent[1].response.body, errorCode: 0, serviceId: demo.serviceId, messageId: 'lost-reply', alreadyRevoked: true });
			expect(sandbox.messages.get('lost-reply').revokedCount).toBe(1);
		});

		test('"Treat as Error": an error that says possiblyRevoked (the lost attempt may have done it)', async () => {
			sandbox.seedMessages(demo.serviceId, ['lost-reply']);
			sandbox.injectNext('resetAfterApply', 1, 'revoke');
			const [[item]] = await revokeRun(sandboxCredential(baseUrl), ['lost-reply'], { continueOnFail: true, options: { alreadyRevoked: 'error' } });
			expect(fieldsOf(item)).toMatchObject({ errorCode: ALREADY.errorCode, possiblyRevoked: true });
			expect(item.json.error).toMatch(/for serviceId "FSAID_demo_service" and messageId "lost-reply" in item 0$/);
		});
	});
});

describe('bad input is rejected before anything is sent', () => {
	const cases = [
		['empty messageId', { messageId: '' }, 'messageId', 'is empty'],
		['whitespace-only serviceId', { serviceId: ' \t ' }, 'serviceId', 'is empty'],
		['object messageId', { messageId: { id: 1 } }, 'messageId', 'must be a string or a number'],
		['array serviceId', { serviceId: ['a'] }, 'serviceId', 'must be a string or a number'],
		['null messageId', { messageId: null }, 'messageId', 'must be a string or a number'],
		['boolean messageId', { messageId: true }, 'messageId', 'must be a string or a number'],
		['CR/LF in messageId', { messageId: 'a\r\nb' }, 'messageId', 'control characters'],
		['NUL in serviceId', { serviceId: 'FSAID_\u0000x' }, 'serviceId', 'control characters'],
		['1 MB messageId', { messageId: 'x'.repeat(1024 * 1024) }, 'messageId', 'characters long'],
	];
	test.each(cases)('%s', async (_name, override, field, problem) => {
		const credential = sandboxCredential(baseUrl);
		const items = [{ serviceId: demo.serviceId, messageId: 'm-0', ...override }];
		const error = await runNode({ items, parameters: revokeParams(items), credential }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(field);
		expect(error.message).toContain(problem);
		expect(error.message).toContain('item 0');
		expect(revokes()).toHaveLength(0);
	});

	test('numbers are accepted as ids and sent as strings', async () => {
		sandbox.configure({ unknownMessages: 'accept' });
		const credential = sandboxCredential(baseUrl);
		const items = [{ serviceId: demo.serviceId, messageId: 12345 }];
		const [output] = await runNode({ items, parameters: revokeParams(items), credential });
		sandbox.configure({ unknownMessages: 'error' });
		expect(fieldsOf(output[0]).errorCode).toBe(0);
		expect(JSON.parse(revokes()[0].rawBody)).toEqual({ serviceId: demo.serviceId, messageId: '12345' });
	});

	test('with Continue On Fail the bad item becomes an error item and the others are sent', async () => {
		sandbox.seedMessages(demo.serviceId, ['a', 'c']);
		const credential = sandboxCredential(baseUrl);
		const [output] = await revokeRun(credential, ['a', '  ', 'c'], { continueOnFail: true });
		expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
		expect(output[1].json.error).toContain('messageId');
		expect(fieldsOf(output[0]).errorCode).toBe(0);
		expect(fieldsOf(output[2]).errorCode).toBe(0);
		expect(revokes().map((r) => JSON.parse(r.rawBody).messageId)).toEqual(['a', 'c']);
	});
});

describe('Input Data: Map Automatically', () => {
	const autoParams = (extra = {}) => () => ({ resource: 'message', operation: 'revoke', dataMode: 'autoMapInputData', serviceIdField: 'serviceId', messageIdField: 'messageId', ...extra });

	test('serviceId and messageId come from each input item; other fields are ignored', async () => {
		sandbox.seedMessages(demo.serviceId, ids(5));
		const credential = sandboxCredential(baseUrl);
		const items = ids(5).map((messageId, i) => ({ serviceId: demo.serviceId, messageId, note: `n${i}` }));
		const [output] = await runNode({ items, parameters: autoParams(), credential });
		expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2, 3, 4]);
		expect(output.every((o) => fieldsOf(o).errorCode === 0)).toBe(true);
		expect(revokes().map((r) => JSON.parse(r.rawBody))).toEqual(items.map(({ serviceId, messageId }) => ({ serviceId, messageId })));
	});

	test('the field names are configurable', async () => {
		sandbox.seedMessages(demo.serviceId, ['x-1']);
		const credential = sandboxCredential(baseUrl);
		const items = [{ sa: demo.serviceId, id: 'x-1' }];
		await runNode({ items, parameters: autoParams({ serviceIdField: 'sa', messageIdField: 'id' }), credential });
		expect(revokes().map((r) => JSON.parse(r.rawBody))).toEqual([{ serviceId: demo.serviceId, messageId: 'x-1' }]);
	});

	test.each([
		['a missing field', { serviceId: 'FSAID_x' }, 'Message ID (messageId) of the input item is missing in item 1'],
		['an empty field', { serviceId: 'FSAID_x', messageId: ' ' }, 'Message ID (messageId) of the input item is empty in item 1'],
		['an object', { serviceId: { a: 1 }, messageId: 'm' }, 'Service ID (serviceId) of the input item must be a string or a number, not an object, in item 1'],
	])('%s in item 1: the error names the field and the item, nothing is sent', async (_name, bad, message) => {
		const credential = sandboxCredential(baseUrl);
		const items = [{ serviceId: demo.serviceId, messageId: 'm-0' }, bad, { serviceId: demo.serviceId, messageId: 'm-2' }];
		const error = await runNode({ items, parameters: autoParams(), credential }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(revokes()).toHaveLength(0);
	});

	test('with Continue On Fail a bad item is an error item paired to it, the others are sent', async () => {
		sandbox.seedMessages(demo.serviceId, ['a', 'c']);
		const credential = sandboxCredential(baseUrl);
		const items = [{ serviceId: demo.serviceId, messageId: 'a' }, { serviceId: demo.serviceId }, { serviceId: demo.serviceId, messageId: 'c' }];
		const [output] = await runNode({ items, parameters: autoParams(), credential, continueOnFail: true });
		expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
		expect(output[1].json.error).toBe('Message ID (messageId) of the input item is missing in item 1');
		expect(revokes().map((r) => JSON.parse(r.rawBody).messageId)).toEqual(['a', 'c']);
	});
});

describe('parameters are read once per run unless they hold an expression', () => {
	/** Counts getNodeParameter calls per name, on the harness context. */
	function counting() {
		const calls = {};
		return { calls, wrap: (ctx) => {
			const read = ctx.getNodeParameter;
			ctx.getNodeParameter = (name, ...rest) => {
				calls[name] = (calls[name] ?? 0) + 1;
				return read.call(ctx, name, ...rest);
			};
		} };
	}

	test('a constant Service ID is read once, an expression Message ID once per item', async () => {
		sandbox.seedMessages(demo.serviceId, ids(20));
		const credential = sandboxCredential(baseUrl);
		const items = ids(20).map((messageId) => ({ serviceId: demo.serviceId, messageId }));
		const { calls, wrap } = counting();
		const [output] = await runNode({ items, parameters: revokeParams(items), credential, onContext: wrap });
		expect(output.every((o) => fieldsOf(o).errorCode === 0)).toBe(true);
		expect(calls.serviceId).toBe(1);
		expect(calls.messageId).toBe(20);
		expect(revokes().map((r) => JSON.parse(r.rawBody).messageId)).toEqual(ids(20));
	});

	test('Map Automatically evaluates no parameter per item', async () => {
		sandbox.seedMessages(demo.serviceId, ids(20));
		const credential = sandboxCredential(baseUrl);
		const items = ids(20).map((messageId) => ({ serviceId: demo.serviceId, messageId }));
		const parameters = () => ({ resource: 'message', operation: 'revoke', dataMode: 'autoMapInputData', serviceIdField: 'serviceId', messageIdField: 'messageId' });
		const { calls, wrap } = counting();
		await runNode({ items, parameters, credential, onContext: wrap });
		// (The Options collection twice: the run's options, and Revoke's own Already Revoked, as other
		// operations read theirs; neither per item.)
		const { options: optionReads, ...others } = calls;
		expect(optionReads).toBe(2);
		expect(Math.max(...Object.values(others))).toBe(1);
		expect(revokes()).toHaveLength(20);
	});
});

describe('credential problems', () => {
	test('wrong appSecret: the token errorCode is reported once for the run, the secret nowhere', async () => {
		const credential = sandboxCredential(baseUrl, { appSecret: 'not-the-secret-value-42' });
		const [output] = await revokeRun(credential, ids(5), { continueOnFail: true });
		expect(sandbox.stats.tokenCalls).toBe(1);
		expect(revokes()).toHaveLength(0);
		const tokenAnswer = sandbox.requests.find((r) => r.endpoint === 'token').response.body;
		for (const item of output) {
			expect(fieldsOf(item).errorCode).toBe(tokenAnswer.errorCode);
			expect(item.json.error).toContain(String(tokenAnswer.errorCode));
		}
		expect(JSON.stringify(output)).not.toContain('not-the-secret-value-42');
		expect(JSON.stringify(output)).not.toContain(demo.permanentCode);
	});

	test('wrong permanentCode is reported with its errorCode', async () => {
		const credential = sandboxCredential(baseUrl, { permanentCode: 'wrong-code' });
		const error = await revokeRun(credential, ids(1)).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.errorCode).toBe(20015);
	});

	test('a wrong domain that redirects to an HTML page gives a clear error naming the host', async () => {
		sandbox.injectNext('redirectHtml', 1, 'token');
		const credential = sandboxCredential(baseUrl);
		const error = await revokeRun(credential, ids(1)).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(new URL(baseUrl).host);
		expect(error.message).toMatch(/redirect/);
		expect(error.context.transportReason).toBe('redirect');
	});

	test('an HTML page instead of JSON gives a clear error', async () => {
		sandbox.seedMessages(demo.serviceId, ids(1));
		sandbox.injectNext('nonJson', 1, 'revoke');
		const error = await revokeRun(sandboxCredential(baseUrl), ids(1)).catch((e) => e);
		expect(error.message).toMatch(/HTML page/);
		expect(error.context.transportReason).toBe('not-json');
	});

	test('a bad custom URL is rejected before any request', async () => {
		const credential = sandboxCredential(baseUrl, { customUrl: 'ftp://example.com' });
		const error = await revokeRun(credential, ids(1)).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('Custom URL');
		expect(sandbox.requests).toHaveLength(0);
	});

	test('a path prefix in the custom URL is kept (private deployments)', async () => {
		const credential = sandboxCredential(baseUrl, { customUrl: `${baseUrl}/gateway/` });
		const error = await revokeRun(credential, ids(1)).catch((e) => e);
		expect(sandbox.requests[0].path).toBe('/gateway/oauth2.0/token');
		expect(error).toBeInstanceOf(NodeApiError); // the sandbox serves no prefix: an HTML 404
	});
});

test('Custom API Call gives a clear message instead of doing nothing', async () => {
	const credential = sandboxCredential(baseUrl);
	const error = await runNode({
		items: [{}],
		parameters: () => ({ resource: 'message', operation: '__CUSTOM_API_CALL__' }),
		credential,
	}).catch((e) => e);
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(error.message).toMatch(/Custom API Call/);
	expect(error.description).toMatch(/HTTP Request node/);
	expect(sandbox.requests).toHaveLength(0);
});

test('concurrent executions in one process share a single token call (single flight)', async () => {
	sandbox.configure({ tokenDelayMs: 150 });
	try {
		sandbox.seedMessages(demo.serviceId, ids(40));
		const credential = sandboxCredential(baseUrl);
		const runs = [0, 1, 2, 3].map((k) => revokeRun(credential, ids(40).slice(k * 10, k * 10 + 10)));
		const outputs = await Promise.all(runs);
		expect(outputs.flatMap(([o]) => o).map((i) => fieldsOf(i).errorCode)).toEqual(Array(40).fill(0));
		expect(sandbox.stats.tokenCalls).toBe(1);
		expect(sandbox.stats.concurrentTokenCalls).toBe(0);
	} finally {
		sandbox.configure({ tokenDelayMs: 0 });
	}
});
