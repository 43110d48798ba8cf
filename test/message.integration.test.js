// Message → Send Text / Composite / Image-Text / as Service Account against the sandbox over real
// HTTP, with the node's own execute().
const crypto = require('node:crypto');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { deliveryKey } = require('../sandbox/server');
const demo = require('../sandbox/demo-app');
const { binaryData, runNode, sandboxCredential, useSandbox } = require('./support/harness');
const { resetTokenCache } = require('../nodes/Fxiaoke/transport');
const { fieldsOf } = require('./support/items');

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);
const SERVICE = demo.serviceId;
/** Emoji (one with a skin-tone modifier: two code points), CJK, a combining accent, a line break. */
const UNICODE_TEXT = 'Hello 你好，纷享销客！👋🏽 Café\u0301 — ✓\n第二行 🎉';

let sandbox;
let baseUrl;

useSandbox({ each: { returnMessageId: false, rateLimit: null } }, (env) => ({ sandbox, baseUrl } = env));

const byEndpoint = (endpoint) => sandbox.requests.filter((r) => r.endpoint === endpoint);
const sends = () => byEndpoint('send');
const appSends = () => byEndpoint('appSend');
const uploads = () => byEndpoint('upload');
const businessRequests = () => sandbox.requests.filter((r) => r.endpoint !== 'token');

/** Runs the node; `params` are the node parameters (a function of the item index, or one object for all). */
function run(params, { items = [{}], binaries, continueOnFail = false, credential = sandboxCredential(baseUrl) } = {}) {
	const parameters = typeof params === 'function' ? params : () => params;
	return runNode({ items, binaries, parameters, credential, continueOnFail });
}

const text = (extra = {}) => ({ resource: 'message', operation: 'sendText', toUser: '1000', content: 'hi', ...extra });
/** A send's output: Fxiaoke's answer as received, plus every recipient as sent in toUser. */
const answered = (request) => ({ ...request.response.body, recipients: JSON.parse(request.rawBody).toUser });

const fullComposite = {
	headTitle: '订单 #42 已发货 🚚',
	firstContent: 'Your order is on its way',
	formRows: {
		row: [
			{ label: '客户', value: '上海某某有限公司' },
			{ label: '', value: '' },
			{ label: 'Amount', value: '¥ 1,299.00' },
		],
	},
	remark: '预计 3 天内送达',
	linkTitle: '查看详情',
	linkUrl: 'https://example.com/orders/42?lang=zh',
};
const fullCompositeBody = {
	head: { title: '订单 #42 已发货 🚚' },
	first: { content: 'Your order is on its way' },
	form: [
		{ label: '客户', value: '上海某某有限公司' },
		{ label: 'Amount', value: '¥ 1,299.00' },
	],
	remark: { content: '预计 3 天内送达' },
	link: { title: '查看详情', url: 'https://example.com/orders/42?lang=zh' },
};
const composite = (extra = {}) => ({
	resource: 'message',
	operation: 'sendComposite',
	toUser: '1000',
	...fullComposite,
	...extra,
});

/** An article parameter as the fixedCollection gives it. */
const article = (extra = {}) => ({
	title: 'Title',
	author: '',
	description: '',
	coverSource: 'mediaId',
	coverMediaId: '',
	coverBinaryProperty: 'data',
	type: 'TEXT',
	content: 'Body',
	coverImageInContent: false,
	...extra,
});
const articles = (list, extra = {}) => ({
	resource: 'message',
	operation: 'sendArticles',
	toUser: '1000',
	articles: { article: list },
	...extra,
});

/** A mediaId the sandbox knows, uploaded through the node's Media → Upload. */
async function uploadedMediaId() {
	const [[item]] = await run(
		{ resource: 'media', operation: 'upload', binaryPropertyName: 'data' },
		{ binaries: [{ data: binaryData(PNG, { mimeType: 'image/png', fileName: 'cover.png' }) }] },
	);
	return item.json.mediaId;
}

async function rejected(params, options) {
	const error = await run(params, options).catch((e) => e);
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(businessRequests()).toHaveLength(0);
	return error;
}

describe('Send Text Message', () => {
	test('sends the documented body, byte-exact with emoji and CJK, and outputs the raw answer', async () => {
		const [output] = await run(text({ toUser: '1000, 1001', content: UNICODE_TEXT }));
		const [request] = sends();
		const expected = JSON.stringify({ toUser: ['1000', '1001'], msgType: 'text', text: { content: UNICODE_TEXT } });
		expect(request.rawBody).toBe(expected);
		expect(Buffer.byteLength(request.rawBody)).toBe(Buffer.byteLength(expected));
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.headers['x-fs-userid']).toBe(demo.userId);
		expect(sandbox.sent[0].content.text.content).toBe(UNICODE_TEXT);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toEqual(answered(request));
		expect(output[0].json.recipients).toEqual(['1000', '1001']);
		expect(output[0].json).not.toHaveProperty('messageId');
	});

	test('one request per item, parameters per item', async () => {
		const items = [{ to: '1000', msg: 'a' }, { to: '1001', msg: 'b' }, { to: '1002', msg: 'c' }];
		const [output] = await run((i) => text({ toUser: items[i].to, content: items[i].msg }), { items });
		expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
		const bodies = sends()
			.map((r) => JSON.parse(r.rawBody))
			.sort((a, b) => a.text.content.localeCompare(b.text.content));
		expect(bodies).toEqual([
			{ toUser: ['1000'], msgType: 'text', text: { content: 'a' } },
			{ toUser: ['1001'], msgType: 'text', text: { content: 'b' } },
			{ toUser: ['1002'], msgType: 'text', text: { content: 'c' } },
		]);
	});

	test.each([
		['empty', ''],
		['whitespace only', ' \n\t '],
	])('%s content is rejected before anything is sent', async (_name, content) => {
		const error = await rejected(text({ content }));
		expect(error.message).toBe('Content (content) is empty in item 0');
	});

	test('Continue On Fail: the rejected item becomes an error item, the others are sent', async () => {
		const contents = ['one', '', 'three'];
		const [output] = await run((i) => text({ content: contents[i] }), { items: [{}, {}, {}], continueOnFail: true });
		expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
		expect(output[1].json.error).toBe('Content (content) is empty in item 1');
		expect(fieldsOf(output[0]).errorCode).toBe(0);
		expect(fieldsOf(output[2]).errorCode).toBe(0);
		expect(sends().map((r) => JSON.parse(r.rawBody).text.content).sort()).toEqual(['one', 'three']);
	});
});

describe('recipients', () => {
	const toUserSent = () => JSON.parse(sends()[0].rawBody).toUser;

	test('the output lists every recipient the message went to, picked ones included, as sent in toUser', async () => {
		const row = (value, mode = 'list') => ({ id: { __rl: true, mode, value } });
		const [[both]] = await run(text({ toUser: '1000, 1001', pickedRecipients: { employee: [row('1001'), row('1002'), row('1003', 'id')] } }));
		expect(toUserSent()).toEqual(['1000', '1001', '1002', '1003']);
		expect(both.json.recipients).toEqual(['1000', '1001', '1002', '1003']);
		expect(both.json).not.toHaveProperty('resolvedRecipients'); // nothing was looked up
		const [[picked]] = await run(text({ toUser: '', pickedRecipients: { employee: [row('1004')] } }));
		expect(picked.json).toEqual({ ...sends()[1].response.body, recipients: ['1004'] });
		const [[service]] = await run({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'text', content: 'x', toUser: '', pickedRecipients: { employee: [row('1005')] } });
		expect(service.json.recipients).toEqual(['1005']);
		const [[composite]] = await run({ resource: 'message', operation: 'sendComposite', ...fullComposite, toUser: '1006', pickedRecipients: { employee: [row('1007')] } });
		expect(composite.json.recipients).toEqual(['1006', '1007']);
	});

	test.each([
		['an array (numbers, blanks, duplicates)', [' 1000 ', 1001, '', '1000', null, 1001], ['1000', '1001']],
		['a comma-separated string with duplicates', '1000,1001, 1000 ,,1002', ['1000', '1001', '1002']],
		['newlines, Chinese commas and semicolons', '1000\n1001，1002、1003;1004；1005\r\n\n', ['1000', '1001', '1002', '1003', '1004', '1005']],
		['an expression yielding nested arrays', [['1000', '1001'], ['1001', ['FSUID_ABC']]], ['1000', '1001', 'FSUID_ABC']],
		['array entries holding comma lists', ['1000,1001', '1002'], ['1000', '1001', '1002']],
		['a single number', 1000, ['1000']],
	])('%s', async (_name, toUser, expected) => {
		await run(text({ toUser }));
		expect(toUserSent()).toEqual(expected);
	});

	test.each([
		['empty string', '', 'Recipients (toUser) is empty: give at least one employee ID in item 0'],
		['only separators', ' , ，\n', 'Recipients (toUser) is empty: give at least one employee ID in item 0'],
		['an object', { id: 1 }, 'Recipients (toUser) must be a list of IDs (text or an array), not an object, in item 0'],
		['an object in the array', ['1000', { id: 1 }], 'Recipients (toUser) contains an object; every entry must be an ID (text or a number) in item 0'],
		['a tab inside an ID', '10\t00', 'Recipients (toUser) contains an ID with control characters ("10\\t00") in item 0'],
		['a NUL inside an ID', ['1000', 'a\u0000b'], 'Recipients (toUser) contains an ID with control characters ("a\\u0000b") in item 0'],
		['an ID of 300 characters', ['x'.repeat(300)], 'Recipients (toUser) contains an ID of 300 characters (at most 256) in item 0'],
	])('%s is rejected before anything is sent', async (_name, toUser, message) => {
		const error = await rejected(text({ toUser }));
		expect(error.message).toBe(message);
	});

	test('1,201 recipients: 3 requests of at most 500, one output item with per-chunk results', async () => {
		const recipients = Array.from({ length: 1201 }, (_, i) => String(10000 + i));
		// With duplicates and blanks mixed in: they are dropped before chunking.
		const toUser = [...recipients.slice(0, 600), '', ' 10000 ', ...recipients.slice(600), '10001'].join(',');
		const [output] = await run(text({ toUser, content: '全员通知 📣' }));
		const requests = sends();
		expect(requests.map((r) => JSON.parse(r.rawBody).toUser.length)).toEqual([500, 500, 201]);
		expect(requests.flatMap((r) => JSON.parse(r.rawBody).toUser)).toEqual(recipients);
		expect(requests.map((r) => JSON.parse(r.rawBody).text)).toEqual([1, 2, 3].map(() => ({ content: '全员通知 📣' })));
		expect(sandbox.recipientDeliveries.size).toBe(1201);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		const json = output[0].json;
		expect(json).toMatchObject({ errorCode: 0, recipientCount: 1201, chunkCount: 3 });
		expect(json.chunks.map(({ chunk, from, to }) => ({ chunk, from, to }))).toEqual([
			{ chunk: 1, from: 1, to: 500 },
			{ chunk: 2, from: 501, to: 1000 },
			{ chunk: 3, from: 1001, to: 1201 },
		]);
		expect(json.chunks.map((chunk) => chunk.response)).toEqual(requests.map((r) => r.response.body));
		expect(json.chunks.map((chunk) => chunk.toUser)).toEqual(requests.map((r) => JSON.parse(r.rawBody).toUser));
		expect(json.recipients).toEqual(recipients);
		expect(json).not.toHaveProperty('messageIds');
	});

	test('exactly 500 recipients: one request, the raw answer and the recipients as output', async () => {
		const toUser = Array.from({ length: 500 }, (_, i) => `u${i}`);
		const [output] = await run(text({ toUser }));
		expect(sends()).toHaveLength(1);
		expect(output[0].json).toEqual({ ...sends()[0].response.body, recipients: toUser });
	});

	test('a later chunk fails: the error says which chunks were delivered, nothing is resent', async () => {
		// The second send of the run is answered 30002 (daily quota), which is not retried.
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 3_600_000, endpoints: ['send'], errorCode: 30002 } });
		const toUser = Array.from({ length: 1201 }, (_, i) => String(20000 + i));
		const error = await run(text({ toUser })).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(sends()).toHaveLength(2);
		expect(sends().map((r) => r.response.body.errorCode)).toEqual([0, 30002]);
		expect(error.context).toMatchObject({ errorCode: 30002, itemIndex: 0, chunkCount: 3, failedChunk: 2 });
		expect(error.context.deliveredRecipients).toEqual(toUser.slice(0, 500));
		expect(error.context.deliveredChunks).toEqual([
			{ chunk: 1, from: 1, to: 500, traceId: sends()[0].response.body.traceId },
		]);
		expect(error.description).toContain('Chunk 2 of 3 (recipients 501–1000) was rejected.');
		expect(error.description).toContain(`Already delivered: chunk 1 (recipients 1–500, traceId ${sends()[0].response.body.traceId})`);
		expect(error.description).toContain('Not sent: chunk 3.');
		expect(error.description).toContain(sends()[1].response.body.traceId); // the transport's own description is kept

		// Under Continue On Fail the same report is in the error item.
		sandbox.reset();
		resetTokenCache();
		const [output] = await run(text({ toUser }), { continueOnFail: true });
		expect(output).toHaveLength(1);
		expect(fieldsOf(output[0]).errorCode).toBe(30002);
		expect(fieldsOf(output[0]).description).toContain('Already delivered: chunk 1 (recipients 1–500');
	});
});

describe('no retry of a send after an ambiguous fault', () => {
	test.each([
		['sendText', text({ content: 'exactly once' }), 'send'],
		['sendAsServiceAccount', { resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'text', toUser: '1000', content: 'exactly once' }, 'appSend'],
	])('%s: connection reset after Fxiaoke applied it → the item fails, delivered once, never twice', async (_op, params, endpoint) => {
		sandbox.injectNext('resetAfterApply', 1, endpoint);
		const error = await run(params).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.transportReason).toBe('connection-reset');
		expect(error.description).toMatch(/may have been delivered/);
		expect(error.description).toMatch(/never retried/);
		expect(byEndpoint(endpoint)).toHaveLength(1);
		expect(byEndpoint(endpoint)[0].applied).toBe(true);
		expect(sandbox.deliveries.get(deliveryKey({ msgType: 'text', text: { content: 'exactly once' } }))).toBe(1);
	});

	test('Continue On Fail: the failed send becomes an error item that says it may have been delivered', async () => {
		sandbox.injectNext('resetAfterApply', 1, 'send');
		const [output] = await run(text({ content: 'once' }), { continueOnFail: true });
		expect(fieldsOf(output[0])).toMatchObject({ transportReason: 'connection-reset' });
		expect(fieldsOf(output[0]).description).toMatch(/may have been delivered/);
		expect(sends()).toHaveLength(1);
	});
});

describe('Send Composite Message', () => {
	test('sends head, first, form rows (empty ones left out), remark and link, byte-exact', async () => {
		const [output] = await run(composite());
		const expected = JSON.stringify({ toUser: ['1000'], msgType: 'composite', composite: fullCompositeBody });
		expect(sends()[0].rawBody).toBe(expected);
		expect(output[0].json).toEqual(answered(sends()[0]));
	});

	test('only the required fields: no first, form or remark in the body', async () => {
		await run(composite({ firstContent: '', formRows: {}, remark: '  ', linkUrl: 'fs://CRM/udobj?x=1' }));
		expect(JSON.parse(sends()[0].rawBody).composite).toEqual({
			head: { title: fullCompositeBody.head.title },
			link: { title: '查看详情', url: 'fs://CRM/udobj?x=1' },
		});
	});

	test.each([
		['missing link URL', { linkUrl: '' }, 'Link URL (linkUrl) is empty in item 0'],
		['missing link title', { linkTitle: ' ' }, 'Link Title (linkTitle) is empty in item 0'],
		['missing head title', { headTitle: '' }, 'Head Title (headTitle) is empty in item 0'],
		['a line break in the link URL', { linkUrl: 'https://a.example/\nb' }, 'Link URL (linkUrl) contains control characters (such as a line break) in item 0'],
		['an object as a row value', { formRows: { row: [{ label: 'a', value: { x: 1 } }] } }, 'Value (formRows) of row 1 must be text, not an object, in item 0'],
	])('%s is rejected before anything is sent', async (_name, extra, message) => {
		const error = await rejected(composite(extra));
		expect(error.message).toBe(message);
		expect(error.description).toBe('Nothing was sent to Fxiaoke for this item.');
	});
});

describe('Send Image-Text Message', () => {
	test('articles with a mediaId cover: the documented body, byte-exact, Unicode lengths in code points', async () => {
		const mediaId = await uploadedMediaId();
		const title45 = '😀'.repeat(45); // 45 code points, 90 UTF-16 units
		const list = [
			article({
				title: title45,
				author: '张三👋🏽', // 4 code points
				description: '摘要'.repeat(70), // 140
				coverMediaId: mediaId,
				coverImageInContent: true,
				content: UNICODE_TEXT,
			}),
			article({ title: 'Link card', coverMediaId: mediaId, type: 'URL', content: 'https://example.com/a?b=c' }),
		];
		const [output] = await run(articles(list));
		const expected = JSON.stringify({
			toUser: ['1000'],
			msgType: 'articles',
			articles: [
				{
					title: title45,
					author: '张三👋🏽',
					description: '摘要'.repeat(70),
					coverImage: mediaId,
					coverImageInContent: true,
					type: 'TEXT',
					content: UNICODE_TEXT,
				},
				{ title: 'Link card', coverImage: mediaId, type: 'URL', content: 'https://example.com/a?b=c' },
			],
		});
		expect(sends()[0].rawBody).toBe(expected);
		expect(output[0].json).toEqual(answered(sends()[0]));
	});

	test('a cover from the item\'s binary property is uploaded first, then used in the send', async () => {
		const photo = Buffer.concat([PNG, crypto.randomBytes(32)]);
		const binaries = [{ photo: binaryData(photo, { mimeType: 'image/png', fileName: 'photo.png' }) }];
		const list = [
			article({ title: 'A', coverSource: 'binary', coverBinaryProperty: 'photo' }),
			article({ title: 'B', coverSource: 'binary', coverBinaryProperty: 'photo', type: 'URL', content: 'https://e.example' }),
		];
		const [output] = await run(articles(list), { binaries });
		const [upload] = uploads();
		expect(uploads()).toHaveLength(1); // the same binary property is uploaded once
		expect(upload.seq).toBeLessThan(sends()[0].seq);
		expect(upload.body.files).toEqual([
			expect.objectContaining({
				field: 'media',
				filename: 'photo.png',
				contentType: 'image/png',
				size: photo.length,
				sha256: crypto.createHash('sha256').update(photo).digest('hex'),
			}),
		]);
		const mediaId = upload.response.body.mediaId;
		const body = JSON.parse(sends()[0].rawBody);
		expect(body.articles.map((a) => a.coverImage)).toEqual([mediaId, mediaId]);
		expect(body.articles[0]).toEqual({ title: 'A', coverImage: mediaId, coverImageInContent: false, type: 'TEXT', content: 'Body' });
		expect(sandbox.media.get(mediaId).sha256).toBe(upload.body.files[0].sha256);
		expect(fieldsOf(output[0]).errorCode).toBe(0);
	});

	const withCover = (extra) => article({ coverMediaId: 'media-not-checked-before-sending', ...extra });
	test.each([
		['8 articles', () => Array.from({ length: 8 }, () => withCover()), 'Articles (articles) has 8 articles (at most 7) in item 0'],
		['no article', () => [], 'Articles (articles) is empty: add 1 to 7 articles in item 0'],
		['a 46-character title', () => [withCover(), withCover(), withCover({ title: 'é'.repeat(46) })], 'Title (title) of article 3 is 46 characters long (at most 45) in item 0'],
		['46 emoji in a title', () => [withCover({ title: '😀'.repeat(46) })], 'Title (title) of article 1 is 46 characters long (at most 45) in item 0'],
		['an empty title', () => [withCover(), withCover({ title: ' ' })], 'Title (title) of article 2 is empty in item 0'],
		['a 9-character author', () => [withCover({ author: '作者作者作者作者者' })], 'Author (author) of article 1 is 9 characters long (at most 8) in item 0'],
		['a 141-character description', () => [withCover(), withCover({ description: 'd'.repeat(141) })], 'Description (description) of article 2 is 141 characters long (at most 140) in item 0'],
		['empty content', () => [withCover({ content: '' })], 'Content (content) of article 1 is empty in item 0'],
		['no cover media ID', () => [withCover(), withCover({ coverMediaId: '' })], 'Cover Media ID (coverMediaId) of article 2 is empty in item 0'],
		['an unknown type', () => [withCover({ type: 'VIDEO' })], 'Type (type) of article 1 must be TEXT or URL, not "VIDEO", in item 0'],
	])('%s is rejected before anything is sent', async (_name, list, message) => {
		const error = await rejected(articles(list()));
		expect(error.message).toBe(message);
	});

	test('a bad later article stops the upload of an earlier binary cover too', async () => {
		const binaries = [{ data: binaryData(PNG, { mimeType: 'image/png', fileName: 'a.png' }) }];
		const list = [article({ coverSource: 'binary' }), withCover({ author: '123456789' })];
		const error = await rejected(articles(list), { binaries });
		expect(error.message).toBe('Author (author) of article 2 is 9 characters long (at most 8) in item 0');
		expect(uploads()).toHaveLength(0);
	});

	test.each([
		['a missing binary property', [{ other: binaryData(PNG, { mimeType: 'image/png' }) }], 'Cover Binary Property (coverBinaryProperty) of article 1 refers to a missing binary property "data" in item 0'],
		['an item without binary data', [], 'Cover Binary Property (coverBinaryProperty) of article 1 refers to a missing binary property "data" in item 0'],
		['a text file as the cover', [{ data: binaryData(Buffer.from('not an image'), { mimeType: 'image/png', fileName: 'a.png' }) }], 'Cover Binary Property (coverBinaryProperty) of article 1 "data" is not a JPG, PNG, GIF or BMP image (declared type image/png, a.png) in item 0'],
		['a cover over 5 MB', [{ data: binaryData(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 1 - PNG.length)]), { mimeType: 'image/png' }) }], 'Cover Binary Property (coverBinaryProperty) of article 1 "data" is 5242881 bytes (at most 5242880, 5 MB) in item 0'],
	])('%s is rejected before anything is sent', async (_name, binaries, message) => {
		const error = await rejected(articles([article({ coverSource: 'binary' })]), { binaries });
		expect(error.message).toBe(message);
	});

	test('a failed cover upload: the error names the article, no message is sent', async () => {
		sandbox.injectNext('quotaDaily30002', 1, 'upload');
		const binaries = [{ data: binaryData(PNG, { mimeType: 'image/png' }) }];
		const error = await run(articles([article({ coverSource: 'binary' })]), { binaries }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.errorCode).toBe(30002);
		expect(error.description).toMatch(/^Uploading the cover image of article 1 \(binary property "data"\) failed; no message was sent\./);
		expect(sends()).toHaveLength(0);
	});
});

describe('options convertUserId / convertMediaId', () => {
	test.each([
		[{}, {}],
		[{ convertUserId: true }, { convertUserId: true }],
		[{ convertMediaId: true }, { convertMediaId: true }],
		[{ convertUserId: true, convertMediaId: true }, { convertUserId: true, convertMediaId: true }],
		[{ convertUserId: false, convertMediaId: false }, {}],
	])('options %j → top-level flags %j', async (options, flags) => {
		await run(text({ options }));
		expect(sends()[0].rawBody).toBe(JSON.stringify({ toUser: ['1000'], msgType: 'text', text: { content: 'hi' }, ...flags }));
	});

	test('they reach service-account sends too', async () => {
		await run({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'text', toUser: '1000', content: 'x', options: { convertMediaId: true } });
		expect(appSends()[0].rawBody).toBe(
			JSON.stringify({ serviceId: SERVICE, toUser: ['1000'], msgType: 'text', text: { content: 'x' }, convertMediaId: true }),
		);
	});
});

describe('Send as Service Account (experimental)', () => {
	const service = (extra) => ({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, toUser: '1000', ...extra });

	test('text: the /cgi/message/send body plus serviceId, to /cgi/app/message/send', async () => {
		const [output] = await run(service({ messageType: 'text', content: UNICODE_TEXT }));
		expect(sends()).toHaveLength(0);
		expect(appSends()[0].rawBody).toBe(
			JSON.stringify({ serviceId: SERVICE, toUser: ['1000'], msgType: 'text', text: { content: UNICODE_TEXT } }),
		);
		expect(output[0].json).toEqual(answered(appSends()[0]));
		expect(sandbox.sent[0]).toMatchObject({ endpoint: 'appSend', serviceId: SERVICE });
	});

	test('composite: the same body builder as Send Composite Message', async () => {
		await run(service({ messageType: 'composite', ...fullComposite }));
		expect(appSends()[0].rawBody).toBe(
			JSON.stringify({ serviceId: SERVICE, toUser: ['1000'], msgType: 'composite', composite: fullCompositeBody }),
		);
	});

	test('image-text with a binary cover: upload, then the articles body plus serviceId', async () => {
		const binaries = [{ data: binaryData(PNG, { mimeType: 'image/png', fileName: 'c.png' }) }];
		await run(service({ messageType: 'articles', articles: { article: [article({ coverSource: 'binary', title: '标题' })] } }), { binaries });
		const mediaId = uploads()[0].response.body.mediaId;
		expect(appSends()[0].rawBody).toBe(
			JSON.stringify({
				serviceId: SERVICE,
				toUser: ['1000'],
				msgType: 'articles',
				articles: [{ title: '标题', coverImage: mediaId, coverImageInContent: false, type: 'TEXT', content: 'Body' }],
			}),
		);
	});

	test('the same limits apply (9-character author)', async () => {
		const error = await rejected(service({ messageType: 'articles', articles: { article: [article({ coverMediaId: 'm', author: 'abcdefghi' })] } }));
		expect(error.message).toBe('Author (author) of article 1 is 9 characters long (at most 8) in item 0');
	});

	test('raw JSON: sent as given plus serviceId, in one request', async () => {
		const raw = { toUser: ['1000', '1001'], msgType: 'text', text: { content: '原样 JSON ✓' } };
		const [output] = await run(service({ messageType: 'rawJson', jsonBody: JSON.stringify(raw, null, 2), toUser: undefined }));
		expect(appSends()[0].rawBody).toBe(JSON.stringify({ serviceId: SERVICE, ...raw }));
		// (A raw body is not read for recipients: the output is Fxiaoke's answer alone.)
		expect(output[0].json).toEqual(appSends()[0].response.body);
	});

	test('raw JSON given as an object by an expression, with the same serviceId inside', async () => {
		const raw = { serviceId: SERVICE, toUser: ['1000'], msgType: 'text', text: { content: 'obj' } };
		await run(service({ messageType: 'rawJson', jsonBody: raw, options: { convertUserId: true } }));
		expect(appSends()[0].rawBody).toBe(JSON.stringify({ ...raw, convertUserId: true }));
	});

	test.each([
		['not JSON', '{"toUser": [', /^Body \(JSON\) \(jsonBody\) is not valid JSON \(.+\) in item 0$/],
		['an array', '[1, 2]', /^Body \(JSON\) \(jsonBody\) must be a JSON object in item 0$/],
		['an empty object', '{}', /^Body \(JSON\) \(jsonBody\) is empty in item 0$/],
		['another serviceId', '{"serviceId": "FSAID_other", "msgType": "text"}', /^Body \(JSON\) \(jsonBody\) holds serviceId "FSAID_other", which differs from Service ID \(serviceId\) "FSAID_demo_service" in item 0$/],
		['without a recipient in toUser', '{"toUser": ["", " "], "msgType": "text", "text": {"content": "x"}}', /^Body \(JSON\) \(jsonBody\) has an empty "toUser": list at least one recipient, e\.g\. "toUser": \["1000"\], in item 0$/],
	])('raw JSON that is %s is rejected before anything is sent', async (_name, jsonBody, message) => {
		const error = await rejected(service({ messageType: 'rawJson', jsonBody }));
		expect(error.message).toMatch(message);
	});

	test('the Body (JSON) default, run unchanged, sends nothing: its empty toUser is rejected', async () => {
		const { Fxiaoke } = require('../nodes/Fxiaoke/Fxiaoke.node');
		const jsonBody = new Fxiaoke().description.properties.find((p) => p.name === 'jsonBody').default;
		expect(JSON.parse(jsonBody)).toMatchObject({ toUser: [] });
		const error = await rejected(service({ messageType: 'rawJson', jsonBody }));
		expect(error.message).toBe('Body (JSON) (jsonBody) has an empty "toUser": list at least one recipient, e.g. "toUser": ["1000"], in item 0');
		expect(error.description).toMatch(/Nothing was sent to Fxiaoke/);
	});

	test('an empty Service ID is rejected before anything is sent', async () => {
		const error = await rejected(service({ serviceId: ' ', messageType: 'text', content: 'x' }));
		expect(error.message).toBe('Service ID (serviceId) is empty in item 0');
	});

	test('recipients are chunked by 500 there too', async () => {
		const toUser = Array.from({ length: 501 }, (_, i) => `e${i}`);
		const [output] = await run(service({ messageType: 'text', content: 'x', toUser }));
		expect(appSends().map((r) => JSON.parse(r.rawBody).toUser.length)).toEqual([500, 1]);
		expect(appSends().map((r) => JSON.parse(r.rawBody).serviceId)).toEqual([SERVICE, SERVICE]);
		expect(output[0].json).toMatchObject({ errorCode: 0, recipientCount: 501, chunkCount: 2 });
	});
});

describe('messageId in the output', () => {
	test('absent when Fxiaoke returns none (as documented)', async () => {
		const [[plain]] = await run(text());
		const [[service]] = await run({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'text', toUser: '1000', content: 'x' });
		for (const json of [plain.json, service.json]) {
			expect(json).not.toHaveProperty('messageId');
			expect(json).not.toHaveProperty('serviceId');
		}
	});

	test('exposed at the top level when the answer holds one (sandbox returnMessageId)', async () => {
		sandbox.configure({ returnMessageId: true });
		const [[plain]] = await run(text());
		expect(plain.json.messageId).toBe(sends()[0].response.body.messageId);
		expect(plain.json).toEqual(answered(sends()[0])); // raw answer kept as it is, plus the recipients

		const [[service]] = await run({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'composite', toUser: '1000', ...fullComposite });
		expect(service.json).toMatchObject({ messageId: appSends()[0].response.body.messageId, serviceId: SERVICE, errorCode: 0 });
		expect(service.json.messageId).toEqual(expect.any(String));
	});

	test('several chunks: every chunk\'s messageId, and messageIds at the top level', async () => {
		sandbox.configure({ returnMessageId: true });
		const toUser = Array.from({ length: 700 }, (_, i) => `e${i}`);
		const [[item]] = await run({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'text', toUser, content: 'x' });
		const ids = appSends().map((r) => r.response.body.messageId);
		expect(item.json.messageIds).toEqual(ids);
		expect(item.json.chunks.map((c) => c.messageId)).toEqual(ids);
		expect(item.json.serviceId).toBe(SERVICE);
		expect(item.json).not.toHaveProperty('messageId');
	});

	test('a message id nested in `data` is lifted too; the raw answer is kept', () => {
		const { withMessageId } = require('../nodes/Fxiaoke/actions/message/messageId');
		const answer = { errorCode: 0, traceId: 't', data: { messageId: 7 } };
		expect(withMessageId(answer, SERVICE)).toEqual({ ...answer, messageId: '7', serviceId: SERVICE });
		expect(withMessageId(answer)).toEqual({ ...answer, messageId: '7' });
		expect(withMessageId({ errorCode: 0, messageId: 'm', serviceId: 'FSAID_reply' }, SERVICE).serviceId).toBe('FSAID_reply');
		expect(withMessageId({ errorCode: 0, messageId: '' }, SERVICE)).toEqual({ errorCode: 0, messageId: '' });
	});

	test('send → revoke with {{$json.messageId}} and {{$json.serviceId}}', async () => {
		sandbox.configure({ returnMessageId: true });
		const credential = sandboxCredential(baseUrl);
		const [sent] = await run(
			{ resource: 'message', operation: 'sendAsServiceAccount', serviceId: SERVICE, messageType: 'text', toUser: '1000,1001', content: '稍后撤回' },
			{ credential },
		);
		const items = sent.map((o) => o.json);
		const [revoked] = await runNode({
			items,
			parameters: (i) => ({ resource: 'message', operation: 'revoke', serviceId: items[i].serviceId, messageId: items[i].messageId }),
			credential,
		});
		expect(fieldsOf(revoked[0]).errorCode).toBe(0);
		const message = sandbox.messages.get(items[0].messageId);
		expect(message).toMatchObject({ revoked: true, serviceId: SERVICE, origin: 'appSend' });
		expect(sandbox.stats.tokenCalls).toBe(1);
	});
});

describe('node description (n8n\'s own parameter resolution)', () => {
	const { NodeHelpers } = require('n8n-workflow');
	const { Fxiaoke } = require('../nodes/Fxiaoke/Fxiaoke.node');
	const type = new Fxiaoke().description;
	const resolve = (values) => NodeHelpers.getNodeParameters(type.properties, values, true, false, { typeVersion: 1 }, type);

	// Exactly these parameters besides resource, operation and options: every other one is hidden.
	const recipients = ['recipientType', 'toUser', 'pickedRecipients'];
	const compositeFields = ['headTitle', 'firstContent', 'formRows', 'remark', 'linkTitle', 'linkUrl'];
	const service = ['experimentalNotice', 'serviceId', 'messageType'];
	test.each([
		[{ operation: 'sendText' }, [...recipients, 'content']],
		[{ operation: 'sendComposite' }, [...recipients, ...compositeFields]],
		[{ operation: 'sendArticles' }, [...recipients, 'articles']],
		[{ operation: 'sendAsServiceAccount', messageType: 'text' }, [...service, ...recipients, 'content']],
		[{ operation: 'sendAsServiceAccount', messageType: 'composite' }, [...service, ...recipients, ...compositeFields]],
		[{ operation: 'sendAsServiceAccount', messageType: 'articles' }, [...service, ...recipients, 'articles']],
		[{ operation: 'sendAsServiceAccount', messageType: 'rawJson' }, [...service, 'jsonBody']],
		[{ operation: 'revoke' }, ['dataMode', 'serviceId', 'messageId']],
	])('%j shows %j', (values, shown) => {
		const parameters = resolve({ resource: 'message', ...values });
		expect(Object.keys(parameters).sort()).toEqual(['resource', 'operation', ...shown, 'options'].sort());
	});

	test('Media → Upload Image shows the binary field; the send options only on send operations', () => {
		expect(resolve({ resource: 'media', operation: 'upload' })).toMatchObject({ binaryPropertyName: 'data' });
		const options = type.properties.find((p) => p.name === 'options');
		const convert = options.options.filter((o) => o.name.startsWith('convert'));
		const operations = type.properties
			.filter((p) => p.name === 'operation')
			.flatMap((p) => p.options.map((o) => o.value))
			.filter((v) => v.startsWith('send'));
		const SEND_OPERATIONS = ['sendAndWait', 'sendArticles', 'sendAsServiceAccount', 'sendComposite', 'sendText'];
		expect([...operations].sort()).toEqual(SEND_OPERATIONS);
		// Both convert options, each shown on exactly the send operations (so not on revoke, nor on another resource's operations).
		expect(convert.map((o) => [o.name, [...o.displayOptions.show['/operation']].sort()])).toEqual([
			['convertMediaId', SEND_OPERATIONS],
			['convertUserId', SEND_OPERATIONS],
		]);
	});

	test('Send as Service Account, and only it, shows a notice that it is experimental', () => {
		const notices = type.properties.filter((p) => p.type === 'notice');
		expect(notices.map((p) => p.name)).toEqual(['experimentalNotice']);
		expect(notices[0].displayName).toMatch(/^Experimental: /);
		expect(notices[0].displayOptions.show).toEqual({ resource: ['message'], operation: ['sendAsServiceAccount'] });
	});

	test('the operation default stays "revoke" (n8n does not save defaults)', () => {
		const operation = type.properties.find((p) => p.name === 'operation' && p.displayOptions.show.resource.includes('message'));
		expect(operation.default).toBe('revoke');
		expect(resolve({ resource: 'message' }).operation).toBe('revoke');
	});
});
