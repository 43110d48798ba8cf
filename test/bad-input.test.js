// Bad input (issue 5), in two tables, run with the node's own execute() against the sandbox:
//  1. REJECTED: refused before anything is sent, with a NodeOperationError naming the field and
//     the item; the sandbox receives no request for that item.
//  2. PASSED: legal but unusual input goes out unchanged, proven byte-exact at the sandbox
//     (`rawBody` is the UTF-8 text of the request body as received).
const { NodeOperationError } = require('n8n-workflow');
const { createSandbox } = require('../sandbox/server');
const demo = require('../sandbox/demo-app');
const { binaryData, runNode, sandboxCredential } = require('./support/harness');
const { createPrefixProxy } = require('./support/prefix-proxy');
const { resetTokenCache } = require('../nodes/Fxiaoke/transport');
const { fieldsOf } = require('./support/items');

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);
const MB = 1024 * 1024;

let sandbox;
let baseUrl;

beforeAll(async () => {
	sandbox = createSandbox({ unknownMessages: 'accept' });
	baseUrl = await sandbox.listen(0, '127.0.0.1');
});
afterAll(() => sandbox.close());
beforeEach(() => {
	sandbox.reset();
	resetTokenCache();
});

const business = () => sandbox.requests.filter((r) => r.endpoint !== 'token');

/** Uploads a cover through the node (Media → Upload Image) and returns its mediaId. */
async function uploadCover(credential = sandboxCredential(baseUrl)) {
	const [[uploaded]] = await runNode({
		items: [{}],
		binaries: [{ data: binaryData(PNG, { mimeType: 'image/png', fileName: '封面.png' }) }],
		parameters: () => ({ resource: 'media', operation: 'upload', binaryPropertyName: 'data' }),
		credential,
	});
	return uploaded.json.mediaId;
}

// ------------------------------------------------------------------ valid parameters per operation

const revoke = { resource: 'message', operation: 'revoke', serviceId: demo.serviceId, messageId: 'msg-1' };
const sendText = { resource: 'message', operation: 'sendText', toUser: '1000', content: 'hello' };
const article = (extra = {}) => ({ title: 'Title', coverSource: 'mediaId', coverMediaId: 'media-1', type: 'TEXT', content: 'Body', ...extra });
const sendArticles = (list) => ({ resource: 'message', operation: 'sendArticles', toUser: '1000', articles: { article: list } });
const sendComposite = { resource: 'message', operation: 'sendComposite', toUser: '1000', headTitle: 'Head', linkTitle: 'Open', linkUrl: 'https://example.com/x' };
const serviceSend = { resource: 'message', operation: 'sendAsServiceAccount', serviceId: demo.serviceId, messageType: 'text', toUser: '1000', content: 'hi' };
const RAW_OK = JSON.stringify({ toUser: ['1000'], msgType: 'text', text: { content: 'raw' } });
const rawServiceSend = (jsonBody) => ({ ...serviceSend, messageType: 'rawJson', jsonBody });

// ------------------------------------------------------------------ 1. rejected before sending

/** [case, valid parameters, bad parameters, field named in the message, what it says] */
const REJECTED = [
	// Revoke ids
	['revoke: empty messageId', revoke, { messageId: '' }, 'messageId', /is empty/],
	['revoke: whitespace-only serviceId (incl. ideographic space)', revoke, { serviceId: ' \t\u3000 ' }, 'serviceId', /is empty/],
	['revoke: object messageId', revoke, { messageId: { id: 'msg-1' } }, 'messageId', /must be a string or a number, not an object/],
	['revoke: array serviceId', revoke, { serviceId: [demo.serviceId] }, 'serviceId', /not an array/],
	['revoke: boolean messageId', revoke, { messageId: true }, 'messageId', /not boolean/],
	['revoke: null messageId', revoke, { messageId: null }, 'messageId', /not null/],
	['revoke: Infinity messageId', revoke, { messageId: Infinity }, 'messageId', /must be a string or a number/],
	['revoke: 1 MB messageId', revoke, { messageId: 'x'.repeat(MB) }, 'messageId', /is 1048576 characters long \(at most 256\)/],
	['revoke: CR/LF in messageId (header-injection shape)', revoke, { messageId: 'msg-1\r\nX-Injected: 1' }, 'messageId', /control characters/],
	['revoke: NUL in serviceId', revoke, { serviceId: `${demo.serviceId}\u0000` }, 'serviceId', /control characters/],
	['revoke: TAB inside messageId', revoke, { messageId: 'msg\t1' }, 'messageId', /control characters/],
	['revoke: DEL inside messageId', revoke, { messageId: 'msg\u007f1' }, 'messageId', /control characters/],
	// Send Text
	['sendText: empty content', sendText, { content: '' }, 'content', /is empty/],
	['sendText: whitespace-only content', sendText, { content: ' \n\t\r\n ' }, 'content', /is empty/],
	['sendText: object content', sendText, { content: { text: 'hi' } }, 'content', /must be text, not an object/],
	['sendText: array content', sendText, { content: ['hi'] }, 'content', /must be text, not an array/],
	['sendText: empty recipients', sendText, { toUser: '' }, 'toUser', /is empty/],
	['sendText: recipients that are only separators', sendText, { toUser: ' ,;，、\n ' }, 'toUser', /is empty/],
	['sendText: recipients as an object', sendText, { toUser: { id: '1000' } }, 'toUser', /not an object/],
	['sendText: a recipient with a control character', sendText, { toUser: '1000, 10\u000101' }, 'toUser', /control characters/],
	['sendText: a 1 MB recipient', sendText, { toUser: '9'.repeat(MB) }, 'toUser', /1048576 characters \(at most 256\)/],
	['sendText: an object among the recipients', sendText, { toUser: ['1000', { id: '1001' }] }, 'toUser', /contains an object/],
	['sendText: a boolean among the recipients', sendText, { toUser: ['1000', true] }, 'toUser', /contains boolean/],
	// Send Image-Text
	['sendArticles: 8 articles', sendArticles([article()]), { articles: { article: Array.from({ length: 8 }, () => article()) } }, 'articles', /has 8 articles \(at most 7\)/],
	['sendArticles: no article', sendArticles([article()]), { articles: { article: [] } }, 'articles', /is empty/],
	['sendArticles: 46-character title', sendArticles([article()]), { articles: { article: [article({ title: 't'.repeat(46) })] } }, 'title', /is 46 characters long \(at most 45\)/],
	['sendArticles: 46 emoji in a title (code points)', sendArticles([article()]), { articles: { article: [article({ title: '🎉'.repeat(46) })] } }, 'title', /is 46 characters long/],
	['sendArticles: 9-character CJK author', sendArticles([article()]), { articles: { article: [article(), article({ author: '纷享销客纷享销客纷' })] } }, 'author', /of article 2 is 9 characters long \(at most 8\)/],
	['sendArticles: 141-character description', sendArticles([article()]), { articles: { article: [article({ description: 'd'.repeat(141) })] } }, 'description', /is 141 characters long \(at most 140\)/],
	['sendArticles: empty title', sendArticles([article()]), { articles: { article: [article({ title: '  ' })] } }, 'title', /is empty/],
	['sendArticles: unknown type', sendArticles([article()]), { articles: { article: [article({ type: 'IMAGE' })] } }, 'type', /must be TEXT or URL/],
	['sendArticles: CR/LF in the cover mediaId', sendArticles([article()]), { articles: { article: [article({ coverMediaId: 'media\r\n1' })] } }, 'coverMediaId', /control characters/],
	['sendArticles: empty content', sendArticles([article()]), { articles: { article: [article({ content: '' })] } }, 'content', /is empty/],
	// Send Composite
	['sendComposite: empty head title', sendComposite, { headTitle: '' }, 'headTitle', /is empty/],
	['sendComposite: CR/LF inside the link URL', sendComposite, { linkUrl: 'https://example.com/a\r\nSet-Cookie: x=1' }, 'linkUrl', /control characters/],
	['sendComposite: object link title', sendComposite, { linkTitle: { t: 1 } }, 'linkTitle', /must be text, not an object/],
	// Send as Service Account
	['sendAsServiceAccount: LF in serviceId', serviceSend, { serviceId: `${demo.serviceId}\n` + 'x' }, 'serviceId', /control characters/],
	['sendAsServiceAccount: raw JSON that does not parse', rawServiceSend(RAW_OK), { jsonBody: '{"toUser": [' }, 'jsonBody', /is not valid JSON/],
	['sendAsServiceAccount: raw JSON array', rawServiceSend(RAW_OK), { jsonBody: '[1, 2]' }, 'jsonBody', /must be a JSON object/],
	['sendAsServiceAccount: raw JSON over 1 MB', rawServiceSend(RAW_OK), { jsonBody: JSON.stringify({ toUser: ['1'], msgType: 'text', text: { content: 'x'.repeat(MB) } }) }, 'jsonBody', /characters long \(at most 1048576\)/],
	['sendAsServiceAccount: raw JSON naming another serviceId', rawServiceSend(RAW_OK), { jsonBody: JSON.stringify({ serviceId: 'FSAID_other', toUser: ['1'] }) }, 'jsonBody', /differs from Service ID/],
	['sendAsServiceAccount: raw JSON with an empty toUser', rawServiceSend(RAW_OK), { jsonBody: '{"toUser": [], "msgType": "text", "text": {"content": "x"}}' }, 'jsonBody', /has an empty "toUser"/],
	['sendAsServiceAccount: raw JSON with a blank toUser text', rawServiceSend(RAW_OK), { jsonBody: '{"toUser": "  ", "msgType": "text"}' }, 'jsonBody', /has an empty "toUser"/],
];

describe('rejected before sending: NodeOperationError naming the field and the item, no request', () => {
	test.each(REJECTED)('%s', async (_name, valid, bad, field, problem) => {
		// item 0 is valid, item 1 is bad, item 2 is valid: every item is checked before the first request, so nothing is sent
		const items = [valid, { ...valid, ...bad }, valid];
		if (valid.operation === 'sendArticles') {
			// the valid items need a cover the sandbox knows
			const mediaId = await uploadCover();
			items[0] = items[2] = sendArticles([article({ coverMediaId: mediaId })]);
		}
		const before = business().length;
		const parameters = (i) => ({ ...items[i], options: { concurrency: 1 } });
		const error = await runNode({ items: items.map(() => ({})), parameters, credential: sandboxCredential(baseUrl) }).catch((e) => e);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`(${field})`);
		expect(error.message).toMatch(problem);
		expect(error.message).toMatch(/ in item 1$/);
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toMatch(/Nothing was sent to Fxiaoke/);
		// The message never echoes a 1 MB value back.
		expect(error.message.length).toBeLessThan(400);
		// Not even the valid item 0 reached the sandbox.
		expect(business().slice(before)).toHaveLength(0);
	});

	// What test.each cannot see: the table's coverage. Every Message operation of the node has cases,
	// each case is a different bad input, and the field a case's message names is a parameter the
	// user sees for that operation (n8n's description, nested fields of collections included).
	test('the table covers every Message operation, each case once, naming fields the user sees', () => {
		const { Fxiaoke } = require('../nodes/Fxiaoke/Fxiaoke.node');
		const { properties } = new Fxiaoke().description;
		const messageOperations = properties
			.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('message'))
			.flatMap((p) => p.options.map((o) => o.value));
		const namesIn = (p) => [
			p.name,
			...(p.type === 'collection' ? p.options.flatMap(namesIn) : []),
			...(p.type === 'fixedCollection' ? p.options.flatMap((group) => group.values.flatMap(namesIn)) : []),
		];
		const fieldsOfOperation = (operation) =>
			properties
				.filter((p) => p.displayOptions?.show?.resource?.includes('message') && p.displayOptions.show.operation?.includes(operation))
				.flatMap(namesIn);

		// (Send and Wait acts once, for the first item: its own cases are below)
		expect([...new Set(REJECTED.map(([, valid]) => valid.operation))].sort()).toEqual(messageOperations.filter((o) => o !== 'sendAndWait').sort());
		expect(new Set(REJECTED.map(([name]) => name)).size).toBe(REJECTED.length);
		// (Infinity, NaN and null would all print as null in plain JSON.)
		const inputs = REJECTED.map(([, valid, bad]) => JSON.stringify([valid.operation, bad], (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? `number:${v}` : v)));
		expect(inputs.filter((input, i) => inputs.indexOf(input) !== i)).toEqual([]);
		const unknownFields = REJECTED.filter(([, valid, , field]) => !fieldsOfOperation(valid.operation).includes(field)).map(([name, , , field]) => `${name}: ${field}`);
		expect(unknownFields).toEqual([]);
	});
});

describe('Send and Wait for Response: bad input in the first item is refused before anything is sent', () => {
	const sendAndWait = { resource: 'message', operation: 'sendAndWait', toUser: '1000', headTitle: 'Approve?', responseType: 'customForm' };
	test.each([
		['a custom form without fields', { formFields: {} }, 'Form Fields (formFields): a custom form needs at least one field, in item 0'],
		['a dropdown without options', { formFields: { field: [{ label: 'Reason', type: 'dropdown', options: ' , ' }] } }, 'Form Fields (formFields): the dropdown Reason has no options, in item 0'],
		['two fields with one label', { formFields: { field: [{ label: 'A' }, { label: 'A', type: 'number' }] } }, 'Form Fields (formFields): two fields are labelled A, in item 0'],
		[
			'21 recipients',
			{ responseType: 'approval', toUser: Array.from({ length: 21 }, (_, i) => String(1000 + i)).join(',') },
			'Send and Wait goes to at most 20 recipients (one card each, with its own link), not 21, in item 0',
		],
	])('%s', async (_name, bad, message) => {
		const error = await runNode({ items: [{}], parameters: () => ({ ...sendAndWait, ...bad }), credential: sandboxCredential(baseUrl) }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toMatch(/Nothing was sent to Fxiaoke/);
		expect(business()).toHaveLength(0);
	});
});

describe('options from an expression outside their bounds: rejected before any request', () => {
	// The UI's minValue / maxValue do not apply to an expression's value; the node checks it itself.
	test.each([
		['Concurrency above the maximum', { concurrency: 51 }, 'Option "Concurrency" must be a number from 1 to 50, not 51'],
		['Concurrency below 1', { concurrency: 0 }, 'Option "Concurrency" must be a number from 1 to 50, not 0'],
		['Concurrency as text', { concurrency: 'many' }, 'Option "Concurrency" must be a number from 1 to 50, not "many"'],
		['Timeout below 100 ms', { timeout: 5 }, 'Option "Timeout" must be a number of at least 100, not 5'],
	])('%s', async (_name, options, message) => {
		const error = await runNode({ items: [{}, {}], parameters: () => ({ ...sendText, options }), credential: sandboxCredential(baseUrl) }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toMatch(/Nothing was sent to Fxiaoke/);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('Revoke → Options → Already Revoked from an expression: checked per item before anything is sent', () => {
	test.each([
		['an unknown word', 'maybe', 'Already Revoked (alreadyRevoked) must be "success" or "error", not "maybe", in item 1'],
		['the label instead of the value', 'Treat as Success', 'Already Revoked (alreadyRevoked) must be "success" or "error", not "Treat as Success", in item 1'],
		['a boolean', true, 'Already Revoked (alreadyRevoked) must be "success" or "error", not boolean, in item 1'],
	])('%s', async (_name, value, message) => {
		const parameters = (i) => ({ ...revoke, options: i === 1 ? { alreadyRevoked: value } : { alreadyRevoked: 'error' } });
		const error = await runNode({ items: [{}, {}, {}], parameters, credential: sandboxCredential(baseUrl) }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toMatch(/Nothing was sent to Fxiaoke/);
		expect(business()).toHaveLength(0);
	});
});

/** [case, custom URL (a function of the sandbox URL), what the message says] */
const BAD_URLS = [
	['ftp: scheme', (u) => u.replace(/^http:/, 'ftp:'), /must start with https:\/\/ or http:\/\//],
	['javascript: URL', () => 'javascript:alert(1)', /must start with https:\/\/ or http:\/\//],
	['no host', () => 'http://', /not a valid URL/],
	['user:password@', (u) => u.replace('http://', 'http://user:password@'), /must not contain a user name or password/],
	['a query', (u) => `${u}/?tenant=1`, /must not contain a query/],
	['an empty query', (u) => `${u}?`, /must not contain a query/],
	['a fragment', (u) => `${u}#top`, /must not contain a query \(\?\) or fragment/],
	['empty', () => '   ', /is empty/],
	['not a URL', () => 'open.fxiaoke.com', /not a valid URL/],
];

describe('bad custom URLs: rejected before any request, the value never echoed', () => {
	test.each(BAD_URLS)('%s', async (_name, make, problem) => {
		const customUrl = make(baseUrl);
		const credential = sandboxCredential(baseUrl, { customUrl });
		const error = await runNode({ items: [{}], parameters: () => revoke, credential }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Credential field "Custom URL": /);
		expect(error.message).toMatch(problem);
		expect(error.context.itemIndex).toBe(0);
		if (customUrl.trim() !== '') expect(`${error.message} ${error.description ?? ''}`).not.toContain(customUrl.trim());
		expect(sandbox.requests).toHaveLength(0);
	});
});

// ------------------------------------------------------------------ 2. passed through unchanged

const EMOJI = '👋🏽 👨‍👩‍👧‍👦 🇨🇳 🎉 \u{1F9D1}\u200D\u{1F4BB}';
const CJK = '纷享销客：订单已发货，请查收。繁體字、かな、한국어';
const TRICKY = '  "quoted" \\backslash\\ </script> \u2028\u2029 tab\there\r\nCRLF line\n  ';

/** One run per case; `expected(requests)` gets the business requests and returns the exact bodies. */
const PASSED = [
	['emoji content (ZWJ sequences, flags, skin tones)', { ...sendText, content: EMOJI }, () => [{ toUser: ['1000'], msgType: 'text', text: { content: EMOJI } }]],
	['CJK content', { ...sendText, content: CJK }, () => [{ toUser: ['1000'], msgType: 'text', text: { content: CJK } }]],
	['quotes, backslashes, </script>, U+2028, tabs, CR/LF and edge spaces in content', { ...sendText, content: TRICKY }, () => [{ toUser: ['1000'], msgType: 'text', text: { content: TRICKY } }]],
	['long but legal content (200,000 characters, ~500 KB UTF-8)', { ...sendText, content: `${CJK}${'长'.repeat(100_000)}${'a'.repeat(99_960)}${EMOJI}`.slice(0, 200_000) }, (p) => [{ toUser: ['1000'], msgType: 'text', text: { content: p.content } }]],
	['recipients in every separator style, duplicates dropped', { ...sendText, toUser: '1000，1001、1002;1003；1004\n1005\r\n1000 , FSUID_ABC' }, () => [{ toUser: ['1000', '1001', '1002', '1003', '1004', '1005', 'FSUID_ABC'], msgType: 'text', text: { content: 'hello' } }]],
	['revoke ids with CJK and emoji, 256 UTF-16 units (the limit)', { ...revoke, messageId: `消息-🎉-${'m'.repeat(256 - '消息-🎉-'.length)}` }, (p) => [{ serviceId: demo.serviceId, messageId: p.messageId }]],
	['composite with CJK rows and a link with query and fragment', { ...sendComposite, headTitle: '订单 🚚', formRows: { row: [{ label: '客户', value: '上海 "某某" 公司' }] }, remark: CJK, linkUrl: 'https://example.com/a?b=1&c=中文#frag' },
		() => [{ toUser: ['1000'], msgType: 'composite', composite: { head: { title: '订单 🚚' }, form: [{ label: '客户', value: '上海 "某某" 公司' }], remark: { content: CJK }, link: { title: 'Open', url: 'https://example.com/a?b=1&c=中文#frag' } } }]],
	['raw JSON for a service-account send, plus serviceId', rawServiceSend(JSON.stringify({ toUser: ['1000'], msgType: 'text', text: { content: `原样 ${EMOJI}` } })),
		() => [{ serviceId: demo.serviceId, toUser: ['1000'], msgType: 'text', text: { content: `原样 ${EMOJI}` } }]],
	['exactly 500 recipients: one request', { ...sendText, toUser: Array.from({ length: 500 }, (_, i) => `u${i}`) }, (p) => [{ toUser: p.toUser, msgType: 'text', text: { content: 'hello' } }]],
	['1,201 recipients: chunks of 500, 500 and 201 in input order, same content', { ...sendText, content: CJK, toUser: Array.from({ length: 1201 }, (_, i) => String(100000 + i)) },
		(p) => [0, 500, 1000].map((from) => ({ toUser: p.toUser.slice(from, from + 500), msgType: 'text', text: { content: CJK } }))],
];

describe('passed through unchanged, byte-exact at the sandbox', () => {
	test.each(PASSED)('%s', async (_name, parameters, expected) => {
		const [output] = await runNode({ items: [{}], parameters: () => parameters, credential: sandboxCredential(baseUrl) });
		const requests = business();
		const bodies = expected(parameters);
		expect(requests.map((r) => r.rawBody)).toEqual(bodies.map((b) => JSON.stringify(b)));
		requests.forEach((r, i) => expect(Buffer.byteLength(r.rawBody)).toBe(Buffer.byteLength(JSON.stringify(bodies[i]))));
		expect(requests.map((r) => r.response.body.errorCode)).toEqual(bodies.map(() => 0));
		expect(fieldsOf(output[0]).errorCode).toBe(0);
	});

	test('7 articles at every length limit (45-emoji title, 8-CJK author, 140-character description)', async () => {
		const credential = sandboxCredential(baseUrl);
		const mediaId = await uploadCover(credential);
		const list = Array.from({ length: 7 }, (_, i) =>
			article({
				title: i === 0 ? '🎉'.repeat(45) : `标题 ${i} ${EMOJI}`.slice(0, 45),
				author: '纷享销客纷享销客',
				description: `${CJK}${'述'.repeat(140)}`.slice(0, 140),
				coverMediaId: mediaId,
				type: i % 2 ? 'URL' : 'TEXT',
				content: i % 2 ? 'https://example.com/文章?id=1' : TRICKY,
			}),
		);
		const before = sandbox.requests.length;
		const [[item]] = await runNode({ items: [{}], parameters: () => sendArticles(list), credential });
		expect(fieldsOf(item).errorCode).toBe(0);
		const [request] = sandbox.requests.slice(before).filter((r) => r.endpoint === 'send');
		const expectedArticles = list.map((a) => ({
			title: a.title,
			author: a.author,
			description: a.description,
			coverImage: mediaId,
			...(a.type === 'TEXT' ? { coverImageInContent: false } : {}),
			type: a.type,
			content: a.content,
		}));
		expect(request.rawBody).toBe(JSON.stringify({ toUser: ['1000'], msgType: 'articles', articles: expectedArticles }));
		expect([...expectedArticles[0].title].length).toBe(45);
	});

	test('a custom URL with a path prefix (private deployment behind a gateway): every call goes under it', async () => {
		const proxy = createPrefixProxy({ target: baseUrl, prefix: '/fxiaoke/open-api' });
		const proxyUrl = await proxy.listen();
		try {
			// trailing slashes and spaces around the URL are tolerated
			const credential = sandboxCredential(baseUrl, { customUrl: `  ${proxyUrl}//  ` });
			const [[sent]] = await runNode({ items: [{}], parameters: () => ({ ...sendText, content: CJK }), credential });
			const [[revoked]] = await runNode({ items: [{}], parameters: () => ({ ...revoke, messageId: '消息-1' }), credential });
			expect(fieldsOf(sent).errorCode).toBe(0);
			expect(fieldsOf(revoked).errorCode).toBe(0);
			expect(proxy.seen.map((s) => s.path.split('?')[0])).toEqual([
				'/fxiaoke/open-api/oauth2.0/token',
				'/fxiaoke/open-api/cgi/message/send',
				'/fxiaoke/open-api/cgi/app/message/revoke',
			]);
			expect(sandbox.requests.map((r) => r.path)).toEqual(['/oauth2.0/token', '/cgi/message/send', '/cgi/app/message/revoke']);
			expect(sandbox.requests[1].rawBody).toBe(JSON.stringify({ toUser: ['1000'], msgType: 'text', text: { content: CJK } }));
			expect(sandbox.requests[2].rawBody).toBe(JSON.stringify({ serviceId: demo.serviceId, messageId: '消息-1' }));
			// and the prefix is really needed: without it the gateway answers 404 HTML, a clear error
			const bare = sandboxCredential(baseUrl, { customUrl: proxyUrl.replace('/fxiaoke/open-api', '') });
			const error = await runNode({ items: [{}], parameters: () => revoke, credential: bare }).catch((e) => e);
			expect(error.message).toMatch(/HTTP 404|HTML page/);
			expect(error.message).toContain(new URL(proxyUrl).host);
		} finally {
			await proxy.close();
		}
	});
});
