// Media → Upload Image against the sandbox over real HTTP, with the node's own execute().
const crypto = require('node:crypto');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { binaryData, runNode, sandboxCredential, useSandbox } = require('./support/harness');
const { fieldsOf } = require('./support/items');

const MAX = 5 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (size = 64) => Buffer.concat([PNG_SIGNATURE, crypto.randomBytes(Math.max(0, size - PNG_SIGNATURE.length))]);
const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(60)]);
const gif = () => Buffer.concat([Buffer.from('GIF89a'), crypto.randomBytes(40)]);
function bmp() {
	const data = Buffer.alloc(58);
	data.write('BM', 0, 'latin1');
	data.writeUInt32LE(58, 2); // file size
	data.writeUInt32LE(54, 10); // pixel data offset
	data.writeUInt32LE(40, 14); // BITMAPINFOHEADER
	return data;
}
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

let sandbox;
let baseUrl;

useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

const uploads = () => sandbox.requests.filter((r) => r.endpoint === 'upload');
const businessRequests = () => sandbox.requests.filter((r) => r.endpoint !== 'token');

function upload(binaries, { binaryPropertyName = 'data', items, continueOnFail = false } = {}) {
	return runNode({
		items: items ?? binaries.map(() => ({})),
		binaries,
		parameters: () => ({ resource: 'media', operation: 'upload', binaryPropertyName }),
		credential: sandboxCredential(baseUrl),
		continueOnFail,
	});
}

async function rejected(binaries, options) {
	const error = await upload(binaries, options).catch((e) => e);
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(businessRequests()).toHaveLength(0);
	return error;
}

test('a PNG is sent as multipart field "media"; the output is the raw answer with mediaId', async () => {
	const image = png(2048);
	const [output] = await upload([{ data: binaryData(image, { mimeType: 'image/png', fileName: '封面 cover.png' }) }]);
	const [request] = uploads();
	expect(request.path).toBe('/media/upload/message');
	expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
	expect(request.body.files).toEqual([
		{ field: 'media', filename: '封面 cover.png', contentType: 'image/png', size: image.length, sha256: sha256(image) },
	]);
	expect(output).toHaveLength(1);
	expect(output[0].pairedItem).toEqual({ item: 0 });
	expect(output[0].json).toEqual(request.response.body);
	expect(output[0].json.mediaId).toEqual(expect.any(String));
	expect(sandbox.media.get(output[0].json.mediaId)).toMatchObject({ size: image.length, sha256: sha256(image) });
});

test.each([
	['JPG', jpeg, 'image/jpeg', 'a.jpeg'],
	['GIF', gif, 'image/gif', 'a.gif'],
	['BMP', bmp, 'image/bmp', 'a.bmp'],
])('%s is accepted', async (_name, make, mimeType, fileName) => {
	const image = make();
	const [output] = await upload([{ data: binaryData(image, { mimeType, fileName }) }]);
	expect(fieldsOf(output[0]).errorCode).toBe(0);
	expect(sandbox.media.get(output[0].json.mediaId).contentType).toBe(mimeType);
	expect(uploads()[0].body.files[0]).toMatchObject({ filename: fileName, contentType: mimeType });
});

test('the type comes from the bytes: a mislabelled PNG goes as image/png with a .png name', async () => {
	const image = png();
	await upload([
		{ data: binaryData(image, { mimeType: 'application/octet-stream', fileName: 'download' }) },
		{ data: binaryData(image, { mimeType: 'image/webp', fileName: 'cover.webp' }) },
		{ data: binaryData(image, { mimeType: 'image/png' }) },
	]);
	expect(uploads().map((r) => r.body.files[0]).map(({ filename, contentType }) => ({ filename, contentType }))).toEqual(
		expect.arrayContaining([
			{ filename: 'download.png', contentType: 'image/png' },
			{ filename: 'cover.png', contentType: 'image/png' },
			{ filename: 'image.png', contentType: 'image/png' },
		]),
	);
});

test('another binary property name', async () => {
	const [output] = await upload([{ photo: binaryData(png(), { mimeType: 'image/png', fileName: 'p.png' }) }], {
		binaryPropertyName: 'photo',
	});
	expect(fieldsOf(output[0]).errorCode).toBe(0);
});

test('exactly 5 MB is accepted', async () => {
	const [output] = await upload([{ data: binaryData(png(MAX), { mimeType: 'image/png', fileName: 'big.png' }) }]);
	expect(fieldsOf(output[0]).errorCode).toBe(0);
	expect(uploads()[0].body.files[0].size).toBe(MAX);
});

describe('rejected before anything is sent', () => {
	test('5 MB + 1 byte', async () => {
		const error = await rejected([{ data: binaryData(png(MAX + 1), { mimeType: 'image/png' }) }]);
		expect(error.message).toBe('Input Binary Field (binaryPropertyName) "data" is 5242881 bytes (at most 5242880, 5 MB) in item 0');
		expect(error.description).toBe('Nothing was sent to Fxiaoke for this item.');
	});

	test('5 MB + 1 byte whose size n8n does not record', async () => {
		const big = binaryData(png(MAX + 1), { mimeType: 'image/png' });
		delete big.bytes;
		const error = await rejected([{ data: big }]);
		expect(error.message).toBe('Input Binary Field (binaryPropertyName) "data" is 5242881 bytes (at most 5242880, 5 MB) in item 0');
	});

	test.each([
		['a text file declared as PNG', Buffer.from('just some text, not an image'), 'image/png', 'notes.png'],
		['a text file', Buffer.from('hello'), 'text/plain', 'notes.txt'],
		['text that starts with "BM"', Buffer.from('BMW owners club newsletter, issue 42'), 'image/bmp', 'x.bmp'],
		['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'application/pdf', 'doc.pdf'],
	])('%s', async (_name, data, mimeType, fileName) => {
		const error = await rejected([{ data: binaryData(data, { mimeType, fileName }) }]);
		expect(error.message).toBe(
			`Input Binary Field (binaryPropertyName) "data" is not a JPG, PNG, GIF or BMP image (declared type ${mimeType}, ${fileName}) in item 0`,
		);
	});

	test('an empty file', async () => {
		const error = await rejected([{ data: binaryData(Buffer.alloc(0), { mimeType: 'image/png' }) }]);
		expect(error.message).toBe('Input Binary Field (binaryPropertyName) "data" is an empty file in item 0');
	});

	test('a missing binary property', async () => {
		const error = await rejected([{ photo: binaryData(png(), { mimeType: 'image/png' }) }]);
		expect(error.message).toBe('Input Binary Field (binaryPropertyName) refers to a missing binary property "data" in item 0');
		expect(error.description).toContain("The item has no binary field 'data'");
	});

	test('an item without binary data', async () => {
		const error = await rejected([undefined]);
		expect(error.message).toBe('Input Binary Field (binaryPropertyName) refers to a missing binary property "data" in item 0');
	});

	test('an empty property name', async () => {
		const error = await rejected([{ data: binaryData(png(), { mimeType: 'image/png' }) }], { binaryPropertyName: ' ' });
		expect(error.message).toMatch(/^Input Binary Field \(binaryPropertyName\) is empty: .+ in item 0$/);
	});
});

test('Continue On Fail: the bad item is an error item, the good ones are uploaded', async () => {
	const binaries = [
		{ data: binaryData(png(), { mimeType: 'image/png' }) },
		{ data: binaryData(Buffer.from('text'), { mimeType: 'text/plain', fileName: 't.txt' }) },
		{ data: binaryData(gif(), { mimeType: 'image/gif' }) },
	];
	const [output] = await upload(binaries, { continueOnFail: true });
	expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
	expect(output[1].json.error).toMatch(/not a JPG, PNG, GIF or BMP image .* in item 1$/);
	expect(output[0].json.mediaId).toEqual(expect.any(String));
	expect(output[2].json.mediaId).toEqual(expect.any(String));
	expect(uploads()).toHaveLength(2);
});

test('an error answer from Fxiaoke becomes a NodeApiError with errorCode and traceId', async () => {
	sandbox.injectNext('quotaNone30003', 1, 'upload');
	const error = await upload([{ data: binaryData(png(), { mimeType: 'image/png' }) }]).catch((e) => e);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.context).toMatchObject({ errorCode: 30003, traceId: uploads()[0].response.body.traceId, itemIndex: 0 });
});
