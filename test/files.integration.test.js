// Files in CRM records against the sandbox over real HTTP, with the node's own execute(): Upload File
// (upload credential → signed upload → the field written once), files in the mapper of Create and
// Update, Download File (signed URL → binary data byte for byte), and the checks made before
// anything is sent.
const crypto = require('node:crypto');
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
const { binaryData, runNode, sandboxCredential, useSandbox } = require('./support/harness');

/** @type {any} */
let sandbox;
let baseUrl;

useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

const FAST = { rateLimit: 100000, rateLimitWindow: 1 };
const object = (apiName) => ({ __rl: true, mode: 'id', value: apiName });
const requestsTo = (endpoint) => sandbox.requests.filter((r) => r.endpoint === endpoint);
const bodyOf = (r) => JSON.parse(r.rawBody);
const run = (parameters, binaries = [undefined], extra = {}) =>
	runNode({ items: binaries.map(() => ({})), binaries, parameters: () => ({ options: FAST, ...parameters }), credential: sandboxCredential(baseUrl), ...extra });
const crm = (apiName, operation, params) => ({ resource: 'crmObject', operation, objectApiName: object(apiName), ...params });
const record = (apiName, id) => sandbox.crm.objects.get(apiName).records.get(id);
const mapper = (value) => ({ mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] });

const pdf = (text) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(text), crypto.randomBytes(2048), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(256)]);
const opportunity = () => {
	const account = sandbox.crm.put('AccountObj', { name: 'Files account' });
	return sandbox.crm.put('NewOpportunityObj', { name: 'Files deal', account_id: account, close_date: Date.UTC(2027, 0, 1) });
};

test('Upload File: credential, signed upload, one update; Keep adds after the files there, Replace leaves only the new; Download File gives the bytes back', async () => {
	const id = opportunity();
	const contract = pdf('contract');
	const [out] = await run(crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data' }), [
		{ data: binaryData(contract, { mimeType: 'application/pdf', fileName: '合同 2027.pdf' }) },
	]);
	const credentialBody = bodyOf(requestsTo('file.credential')[0]);
	expect(credentialBody.data).toMatchObject({ resourceType: 'TN', isStreamUpload: true, filename: '合同 2027.pdf', extension: 'pdf', fileSize: contract.length });
	const stored = record('NewOpportunityObj', id).contract_files;
	expect(stored).toEqual([{ filename: '合同 2027.pdf', path: expect.stringMatching(/^TN_/), size: contract.length, ext: 'pdf' }]);
	expect(Buffer.compare(sandbox.files.get(stored[0].path).bytes, contract)).toBe(0);
	expect(out[0].json).toMatchObject({ errorCode: 0, dataId: id, field: 'contract_files', files: stored, uploaded: stored });
	expect(requestsTo('crm.update')).toHaveLength(1);

	const annex = pdf('annex');
	await run(crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'annex, data', existingFiles: 'keep' }), [
		{ annex: binaryData(annex, { fileName: 'annex.pdf' }), data: binaryData(contract, { fileName: 'contract-v2.pdf' }) },
	]);
	expect(record('NewOpportunityObj', id).contract_files.map((f) => f.filename)).toEqual(['合同 2027.pdf', 'annex.pdf', 'contract-v2.pdf']);

	const [down] = await run(crm('NewOpportunityObj', 'downloadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data' }));
	expect(down[0].json).toMatchObject({ dataId: id, field: 'contract_files', fileCount: 3 });
	expect(down[0].json.files.map((f) => [f.filename, f.binaryProperty])).toEqual([['合同 2027.pdf', 'data'], ['annex.pdf', 'data_1'], ['contract-v2.pdf', 'data_2']]);
	expect(Buffer.from(down[0].binary.data.data, 'base64').equals(contract)).toBe(true);
	expect(Buffer.from(down[0].binary.data_1.data, 'base64').equals(annex)).toBe(true);
	expect(down[0].binary.data).toMatchObject({ fileName: '合同 2027.pdf', mimeType: 'application/pdf' });

	await run(crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data', existingFiles: 'replace' }), [{ data: binaryData(annex, { fileName: 'only.pdf' }) }]);
	expect(record('NewOpportunityObj', id).contract_files.map((f) => f.filename)).toEqual(['only.pdf']);
});

test('files in the mapper: Create takes binary property names for a file field; an image field takes an image; Get\'s files are written back as they are', async () => {
	const account = sandbox.crm.put('AccountObj', { name: 'Mapper account' });
	const contract = pdf('mapped');
	const [created] = await run(
		crm('NewOpportunityObj', 'create', { fields: mapper({ name: 'With contract', account_id: account, close_date: '2027-03-01', contract_files: 'data' }) }),
		[{ data: binaryData(contract, { fileName: 'signed.pdf' }) }],
	);
	const id = created[0].json.dataId;
	const files = record('NewOpportunityObj', id).contract_files;
	expect(files).toEqual([{ filename: 'signed.pdf', path: expect.any(String), size: contract.length, ext: 'pdf' }]);
	expect(Buffer.compare(sandbox.files.get(files[0].path).bytes, contract)).toBe(0);

	// An image field: the extension follows the content (a PNG named .bin is sent as .png)
	await run(crm('AccountObj', 'update', { recordId: account, fields: mapper({ logo: 'logo' }) }), [{ logo: binaryData(PNG, { fileName: 'logo.bin' }) }]);
	expect(record('AccountObj', account).logo).toEqual([{ filename: 'logo.png', path: expect.any(String), size: PNG.length, ext: 'png' }]);

	// What Get gave is written back without a new upload
	const uploadsBefore = requestsTo('file.upload').length;
	await run(crm('NewOpportunityObj', 'update', { recordId: id, fields: mapper({ contract_files: files }) }));
	expect(requestsTo('file.upload')).toHaveLength(uploadsBefore);
	expect(record('NewOpportunityObj', id).contract_files).toEqual(files);
});

test('bad input names the field and the item, and nothing is sent', async () => {
	const id = opportunity();
	const account = sandbox.crm.put('AccountObj', { name: 'Bad input account' });
	const before = sandbox.requests.filter((r) => r.endpoint !== 'crm.describe' && r.endpoint !== 'token').length;
	const cases = [
		[crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'missing' }), [{ data: binaryData(pdf('x'), { fileName: 'a.pdf' }) }],
			'Input Binary Fields (binaryPropertyName) refers to the binary property "missing", which the input item does not have in item 0'],
		[crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data' }), [{ data: binaryData(Buffer.alloc(0), { fileName: 'a.pdf' }) }],
			'Input Binary Fields (binaryPropertyName) gets an empty file from "data" (a.pdf) in item 0'],
		[crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data' }), [{ data: binaryData(pdf('x')) }],
			'Input Binary Fields (binaryPropertyName) gets "data" without a file name extension (data); Fxiaoke asks for one: set the file name, e.g. contract.pdf in item 0'],
		[crm('AccountObj', 'uploadFile', { recordId: account, fileField: 'logo', binaryPropertyName: 'data' }), [{ data: binaryData(pdf('x'), { fileName: 'a.pdf' }) }],
			'Input Binary Fields (binaryPropertyName) is an image field, and "data" (a.pdf) is not a JPG, PNG, GIF or BMP image in item 0'],
		[crm('AccountObj', 'uploadFile', { recordId: account, fileField: 'name', binaryPropertyName: 'data' }), [{ data: binaryData(pdf('x'), { fileName: 'a.pdf' }) }],
			'File Field (fileField) is Account Name (name), a text field, not a file or image field (AccountObj\'s: attachments, logo) in item 0'],
		[crm('NewOpportunityObj', 'update', { recordId: id, fields: mapper({ contract_files: 'nothere' }) }), [{}],
			'Contract Files (contract_files) refers to the binary property "nothere", which the input item does not have in item 0'],
		[crm('NewOpportunityObj', 'update', { recordId: id, fields: mapper({ contract_files: [42] }) }), [{}],
			'Contract Files (contract_files) must name binary properties of the input item (such as "data") or be files as Get gives them, not number, in item 0'],
		[crm('AccountObj', 'update', { recordId: account, fields: mapper({ logo: 'a, b' }) }), [{ a: binaryData(PNG, { fileName: 'a.png' }), b: binaryData(PNG, { fileName: 'b.png' }) }],
			'Logo (logo) would hold 2 files; Logo takes at most 1 in item 0'],
	];
	for (const [parameters, binaries, message] of cases) {
		const error = await run(parameters, binaries).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
	}
	expect(sandbox.requests.filter((r) => r.endpoint !== 'crm.describe' && r.endpoint !== 'token')).toHaveLength(before);
});

test('a refused upload is the file service\'s error and the record is not written; Continue On Fail pairs every item', async () => {
	const id = opportunity();
	const [out] = await run(
		crm('NewOpportunityObj', 'uploadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data' }),
		[{ data: binaryData(pdf('ok'), { fileName: 'fine.pdf' }) }, { data: binaryData(Buffer.from('MZ...'), { fileName: 'setup.exe' }) }],
		{ continueOnFail: true },
	);
	expect(out).toHaveLength(2);
	expect(out[0].json.uploaded).toHaveLength(1);
	expect(out[1].json.error).toContain('Fxiaoke');
	expect(out[1].json.details.errorCode).toEqual(expect.any(Number));
	expect(out[1].pairedItem).toEqual({ item: 1 });
	expect(record('NewOpportunityObj', id).contract_files.map((f) => f.filename)).toEqual(['fine.pdf']);
	expect(requestsTo('crm.update')).toHaveLength(1);
});

test('Download File of a field without files gives one item that says so; an unknown record is Fxiaoke\'s error', async () => {
	const id = opportunity();
	const [out] = await run(crm('NewOpportunityObj', 'downloadFile', { recordId: id, fileField: 'contract_files', binaryPropertyName: 'data' }));
	expect(out[0].json).toEqual({ dataId: id, field: 'contract_files', fileCount: 0, files: [] });
	const error = await run(crm('NewOpportunityObj', 'downloadFile', { recordId: 'nope', fileField: 'contract_files', binaryPropertyName: 'data' })).catch((e) => e);
	expect(error).toBeInstanceOf(NodeApiError);
});
