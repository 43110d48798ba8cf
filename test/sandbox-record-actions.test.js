'use strict';
// The sandbox's record actions over real HTTP (API.md §16–§18): files into file/image fields (upload
// credential, the file service's upload and download), the stage pusher, pools (return / claim),
// sales records (ActiveRecordObj) and the slow controller function.

const crypto = require('node:crypto');
const axios = require('axios');

const { createSandbox } = require('../sandbox/server');
const { CODES } = require('../sandbox/codes');
const { POOL_FIXTURES } = require('../sandbox/pools');
const DEMO = require('../sandbox/demo-app');

jest.setTimeout(20000);

/** @type {ReturnType<typeof createSandbox>} */
let sb;
let base;
let token;

beforeAll(async () => {
  sb = createSandbox();
  base = await sb.listen();
  const res = await post('/oauth2.0/token', { appId: DEMO.appId, appSecret: DEMO.appSecret, permanentCode: DEMO.permanentCode, grantType: 'app_secret' });
  token = res.data.accessToken;
});
afterAll(() => sb.close());

// ---------------------------------------------------------------- client helpers

/** POST JSON with a fresh thirdTraceId; never throws on HTTP status. */
function post(pathname, data, headers = {}) {
  return axios.post(`${base}${pathname}?thirdTraceId=${crypto.randomUUID()}`, data, {
    headers: { 'content-type': 'application/json', ...headers },
    validateStatus: () => true,
  });
}

/** An OpenAPI call as employee `userId`; answers the envelope. */
async function call(pathname, data, userId = DEMO.userId) {
  const res = await post(pathname, data, { authorization: `Bearer ${token}`, 'x-fs-ea': DEMO.ea, 'x-fs-userid': userId });
  expect(res.status).toBe(200);
  return res.data;
}

const OK = 0;
const INVALID = CODES.INVALID_PARAMETER.errorCode;

const credentialBody = (overrides = {}) => ({ expireTime: 600, resourceType: 'TN', isStreamUpload: true, filename: 'contract.pdf', extension: 'pdf', fileSize: 11, ...overrides });
const credential = (overrides) => call('/cgi/crm/v2/generatorFileUploadCredential', { data: credentialBody(overrides) });

/** The headers an upload sends, from a credential's data. */
const uploadHeaders = (c) => ({ acid: c.acid, resource: c.resource, ak: c.ak, sign: c.sign, expiry: String(c.expiry), filename: c.filename, size: c.size, digest: c.digest });

/** Upload `bytes` (raw, or multipart parts) with a credential's data; answers the file service's JSON. */
async function upload(c, bytes, { headers = {}, multipart = null, query = 'traceId=t-1&linkId=l-1' } = {}) {
  let body = bytes;
  let contentType = c.contentType;
  if (multipart) {
    const boundary = `----fs${crypto.randomBytes(6).toString('hex')}`;
    const chunks = multipart.map((p) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`), p.data, Buffer.from('\r\n')]));
    body = Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]);
    contentType = `multipart/form-data; boundary=${boundary}`;
  }
  const res = await axios.post(`${c.url}?${query}`, body, { headers: { 'content-type': contentType, ...uploadHeaders(c), ...headers }, validateStatus: () => true, transformRequest: (d) => d });
  expect(res.status).toBe(200);
  return res.data;
}

/** A credential and a successful upload of `bytes` → npath. */
async function uploaded(bytes, overrides = {}) {
  const c = await credential({ fileSize: bytes.length, ...overrides });
  expect(c.errorCode).toBe(OK);
  const answer = await upload(c.data, bytes);
  expect(answer).toMatchObject({ success: true, code: 200 });
  return answer.data;
}

const record = (apiName, id) => sb.crm.objects.get(apiName).records.get(id);

// ---------------------------------------------------------------- files

describe('files', () => {
  test('credential: every field checked, blocked extensions refused, the answer carries the upload headers', async () => {
    for (const bad of [{ expireTime: 59 }, { expireTime: 604801 }, { expireTime: '600' }, { resourceType: 'X' }, { filename: '' }, { extension: '' }, { extension: '.pdf' }, { fileSize: 0 }, { fileSize: 104857601 }, { isStreamUpload: 'yes' }, { extra: 1 }]) {
      expect([bad, (await credential(bad)).errorCode]).toEqual([bad, INVALID]);
    }
    const missing = credentialBody();
    delete missing.fileSize;
    expect((await call('/cgi/crm/v2/generatorFileUploadCredential', { data: missing })).errorCode).toBe(INVALID);
    for (const extension of ['exe', 'BAT', 'sh', 'js', 'scr']) {
      const blocked = await credential({ extension, filename: `x.${extension}` });
      expect(blocked.errorCode).toBe(CODES.FILE_TYPE_NOT_ALLOWED.errorCode);
    }
    const before = sb.now();
    const c = await credential({ filename: '合同 v1.pdf', fileSize: 1234, expireTime: 60 });
    expect(c).toMatchObject({ errorCode: OK, traceId: expect.any(String) });
    expect(c.data).toEqual({
      method: 'POST',
      url: `${base}/fs/upload`,
      acid: expect.any(String),
      resource: expect.any(String),
      ak: expect.any(String),
      sign: expect.any(String),
      expiry: expect.any(Number),
      filename: encodeURIComponent('合同 v1.pdf'),
      size: '1234',
      digest: expect.any(String),
      contentType: 'application/octet-stream',
    });
    expect(c.data.expiry).toBeGreaterThanOrEqual(before + 60000);
    expect(c.data.expiry).toBeLessThanOrEqual(sb.now() + 60000);
  });

  test('upload: raw bytes → TN_ npath stored; the sign works once', async () => {
    const bytes = crypto.randomBytes(11);
    const c = (await credential()).data;
    const before = sb.files.count;
    const answer = await upload(c, bytes);
    expect(answer).toEqual({ success: true, code: 200, message: 'success', data: expect.stringMatching(/^TN_[0-9a-f]{32}$/) });
    expect(sb.files.count).toBe(before + 1);
    expect(sb.files.get(answer.data)).toMatchObject({ filename: 'contract.pdf', ext: 'pdf', size: 11, contentType: 'application/pdf' });
    expect(sb.files.get(answer.data).bytes.equals(bytes)).toBe(true);
    const again = await upload(c, bytes);
    expect(again).toMatchObject({ success: false, code: 403, data: null });
    expect(sb.files.count).toBe(before + 1);
    const uploads = sb.requests.filter((r) => r.endpoint === 'fs.upload');
    expect(uploads.at(-1)).toMatchObject({ thirdTraceIdStatus: null, applied: false, tokenId: null });
  });

  test('upload: multipart with one part facishareFile → N_ npath; other part names refused', async () => {
    const bytes = crypto.randomBytes(11);
    const c = (await credential({ resourceType: 'N', filename: 'scan.png', extension: 'png' })).data;
    expect(await upload(c, null, { multipart: [{ name: 'file', data: bytes }] })).toMatchObject({ success: false, code: 400 });
    expect(await upload(c, null, { multipart: [{ name: 'facishareFile', data: bytes }, { name: 'facishareFile', data: bytes }] })).toMatchObject({ success: false, code: 400 });
    const answer = await upload(c, null, { multipart: [{ name: 'facishareFile', data: bytes }] });
    expect(answer).toMatchObject({ success: true, data: expect.stringMatching(/^N_[0-9a-f]{32}$/) });
    expect(sb.files.get(answer.data)).toMatchObject({ filename: 'scan.png', ext: 'png', contentType: 'image/png', size: 11 });
    expect(sb.files.get(answer.data).bytes.equals(bytes)).toBe(true);
  });

  test('upload: size mismatch (400 shorter, 413 longer), headers not as given (401), expired (403), query and content type checked', async () => {
    const c = (await credential()).data;
    expect(await upload(c, crypto.randomBytes(10))).toMatchObject({ success: false, code: 400, message: expect.stringContaining('size') });
    expect(await upload(c, crypto.randomBytes(12))).toMatchObject({ success: false, code: 413 });
    expect(await upload(c, crypto.randomBytes(11), { headers: { digest: 'x' } })).toMatchObject({ success: false, code: 401, message: expect.stringContaining('digest') });
    expect(await upload(c, crypto.randomBytes(11), { headers: { filename: 'other.pdf' } })).toMatchObject({ success: false, code: 401 });
    expect(await upload(c, crypto.randomBytes(11), { headers: { sign: 'f'.repeat(32) } })).toMatchObject({ success: false, code: 401 });
    expect(await upload(c, crypto.randomBytes(11), { query: 'linkId=l' })).toMatchObject({ success: false, code: 400 });
    expect(await upload(c, crypto.randomBytes(11), { headers: { 'content-type': 'text/plain' } })).toMatchObject({ success: false, code: 400 });
    // failures do not use the sign up
    expect(await upload(c, crypto.randomBytes(11))).toMatchObject({ success: true });

    const short = (await credential({ expireTime: 60 })).data;
    sb.crm.advance(61000);
    expect(await upload(short, crypto.randomBytes(11))).toEqual({ success: false, code: 403, message: 'signature expired', data: null });
  });

  test('contract_files: the npath written, read back as written; unknown paths, wrong shapes and too many files refused', async () => {
    const account = sb.crm.put('AccountObj', { name: 'Files Inc' });
    const npath = await uploaded(Buffer.from('the contract'));
    const value = [{ path: npath, filename: 'contract.pdf', size: 12, ext: 'pdf' }];
    const created = await call('/cgi/crm/v2/data/create', { data: { object_data: { dataObjectApiName: 'NewOpportunityObj', name: 'With files', account_id: account, close_date: 1767225600000, contract_files: value } } });
    expect(created.errorCode).toBe(OK);
    const got = await call('/cgi/crm/v2/data/get', { data: { dataObjectApiName: 'NewOpportunityObj', objectDataId: created.dataId } });
    expect(got.data.contract_files).toEqual(value);
    expect(sb.files.get(npath).saved).toBe(true);

    const describe = await call('/cgi/crm/v2/object/describe', { data: { apiName: 'AccountObj' } });
    expect(describe.data.describe.fields.attachments).toMatchObject({ type: 'file_attachment', file_amount_limit: 10 });
    expect(describe.data.describe.fields.logo).toMatchObject({ type: 'image', file_amount_limit: 1 });

    const update = (fields) => call('/cgi/crm/v2/data/update', { data: { object_data: { dataObjectApiName: 'AccountObj', _id: account, ...fields } } });
    const unknown = await update({ attachments: [{ path: 'TN_0000', filename: 'a.pdf', size: '1', ext: 'pdf' }] });
    expect(unknown.errorCode).toBe(INVALID);
    expect(unknown.errorDescription).toContain('attachments: no uploaded file TN_0000');
    expect((await update({ attachments: npath })).errorCode).toBe(INVALID);
    expect((await update({ attachments: [{ path: npath, name: 'contract.pdf' }] })).errorCode).toBe(INVALID);
    expect((await update({ attachments: [{ ...value[0], size: 'big' }] })).errorCode).toBe(INVALID);
    expect((await update({ logo: [{ ...value[0], isImage: true }] })).errorDescription).toContain('logo[0].ext');
    const png = await uploaded(crypto.randomBytes(8), { filename: 'logo.png', extension: 'png' });
    const logo = { path: png, filename: 'logo.png', size: '8', ext: 'png', isImage: true };
    expect((await update({ logo: [logo, logo] })).errorDescription).toContain('at most 1');
    expect((await update({ logo: [logo], attachments: [value[0], value[0]] })).errorCode).toBe(OK);
    expect(record('AccountObj', account)).toMatchObject({ logo: [logo], attachments: [value[0], value[0]], version: 2 });
  });

  test('a TN_ file unsaved for 3 days is gone; one saved into a record stays', async () => {
    const kept = await uploaded(Buffer.from('kept'));
    const dropped = await uploaded(Buffer.from('gone'));
    const entry = (path) => [{ path, filename: 'contract.pdf', size: 4, ext: 'pdf' }];
    sb.crm.put('AccountObj', { name: 'Keeps a file', attachments: entry(kept) });
    sb.crm.advance(3 * 24 * 3600 * 1000 + 1000);
    const id = sb.crm.put('AccountObj', { name: 'Later' });
    const later = (path) => call('/cgi/crm/v2/data/update', { data: { object_data: { dataObjectApiName: 'AccountObj', _id: id, attachments: entry(path) } } });
    expect((await later(dropped)).errorCode).toBe(INVALID);
    expect((await later(kept)).errorCode).toBe(OK);
  });

  test('download: a signed URL, the bytes as uploaded with type and name; a bad or expired signature 403; unknown path refused', async () => {
    const bytes = crypto.randomBytes(300);
    const npath = await uploaded(bytes, { filename: "Q3 report (final)'s.pdf" });
    const answer = await call('/cgi/crm/v2/generateDownloadSignatureUrlByAuth', { data: { path: npath } });
    expect(answer).toMatchObject({ errorCode: OK, data: { url: expect.stringMatching(new RegExp(`^${base}/fs/download\\?path=${npath}&expires=\\d+&sign=[0-9a-f]+$`)) } });
    const get = (url) => axios.get(url, { responseType: 'arraybuffer', validateStatus: () => true });
    const res = await get(answer.data.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(res.data).equals(bytes)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe("attachment; filename*=UTF-8''Q3%20report%20%28final%29%27s.pdf");

    const tampered = answer.data.url.replace(/sign=([0-9a-f])/, (m, c) => `sign=${c === '0' ? '1' : '0'}`);
    const refused = await get(tampered);
    expect(refused.status).toBe(403);
    expect(JSON.parse(Buffer.from(refused.data).toString())).toEqual({ success: false, code: 403, message: 'bad signature', data: null });
    expect((await get(answer.data.url.replace(/expires=\d+/, (m) => `${m}1`))).status).toBe(403);
    sb.crm.advance(3601 * 1000);
    expect((await get(answer.data.url)).status).toBe(403);

    const unknown = await call('/cgi/crm/v2/generateDownloadSignatureUrlByAuth', { data: { path: 'N_ffff' } });
    expect(unknown.errorCode).toBe(CODES.FILE_NOT_FOUND.errorCode);
  });
});

// ---------------------------------------------------------------- stages

describe('stage pusher', () => {
  const info = (entityId, objectId) => call('/cgi/crm/v2/special/getInstanceInfoByObjectId', { data: { entityId, objectId } });
  const move = (workflowInstanceId, stageId) => call('/cgi/crm/v2/special/stageMoveTo', { data: { workflowInstanceId, stageId } });

  test('an opportunity has an instance; a move sets sales_stage as an update does; stages of other flows, unknown instances, locked and deleted records refused', async () => {
    const account = sb.crm.put('AccountObj', { name: 'Stages Ltd' });
    const id = sb.crm.put('NewOpportunityObj', { name: 'Deal', account_id: account, close_date: 1767225600000, sales_stage: '2' });
    const first = await info('NewOpportunityObj', id);
    expect(first).toMatchObject({ errorCode: OK });
    expect(first.data).toEqual({
      workflowInstanceId: expect.any(String),
      entityId: 'NewOpportunityObj',
      objectId: id,
      currentStageId: 'stage_proposal',
      stages: [
        { stageId: 'stage_discovery', name: 'Discovery', orderNum: 1 },
        { stageId: 'stage_proposal', name: 'Proposal', orderNum: 2 },
        { stageId: 'stage_won', name: 'Won', orderNum: 3 },
        { stageId: 'stage_lost', name: 'Lost', orderNum: 4 },
      ],
    });
    const instance = first.data.workflowInstanceId;
    expect((await info('NewOpportunityObj', id)).data.workflowInstanceId).toBe(instance);

    sb.crm.advance(5);
    const { version, last_modified_time: before } = record('NewOpportunityObj', id);
    expect(await move(instance, 'stage_won')).toMatchObject({ errorCode: OK, data: {} });
    expect(record('NewOpportunityObj', id)).toMatchObject({ sales_stage: '3', version: version + 1 });
    expect(record('NewOpportunityObj', id).last_modified_time).toBeGreaterThan(before);
    expect((await info('NewOpportunityObj', id)).data.currentStageId).toBe('stage_won');

    const notInFlow = await move(instance, 'stage_new');
    expect(notInFlow.errorCode).toBe(INVALID);
    expect(notInFlow.errorDescription).toContain('stage_new');
    const unknown = await move('7ffffffffffffffffffffff0', 'stage_won');
    expect(unknown.errorCode).toBe(INVALID);
    expect(unknown.errorDescription).toContain('7ffffffffffffffffffffff0');

    sb.crm.objects.get('NewOpportunityObj').records.get(id).lock_status = '1';
    expect((await move(instance, 'stage_lost')).errorCode).toBe(CODES.RECORD_LOCKED.errorCode);
    sb.crm.objects.get('NewOpportunityObj').records.get(id).lock_status = '0';
    sb.crm.objects.get('NewOpportunityObj').records.get(id).life_status = 'invalid';
    expect((await move(instance, 'stage_lost')).errorCode).toBe(INVALID);
    expect(record('NewOpportunityObj', id).sales_stage).toBe('3');
  });

  test('triggerByRule starts a lead\'s instance once; objects without a flow refused', async () => {
    const lead = sb.crm.put('LeadsObj', { name: 'Stage lead' });
    expect((await info('LeadsObj', lead)).errorCode).toBe(CODES.NO_STAGE_INSTANCE.errorCode);
    const trigger = (entityId, objectId) => call('/cgi/crm/v2/instance/triggerByRule', { data: { entityId, objectId } });
    expect(await trigger('LeadsObj', lead)).toMatchObject({ errorCode: OK });
    expect((await trigger('LeadsObj', lead)).errorCode).toBe(CODES.STAGE_INSTANCE_RUNNING.errorCode);
    const started = (await info('LeadsObj', lead)).data;
    expect(started).toMatchObject({ currentStageId: 'stage_new', stages: [{ stageId: 'stage_new' }, { stageId: 'stage_contacted' }, { stageId: 'stage_qualified' }] });
    expect((await move(started.workflowInstanceId, 'stage_qualified')).errorCode).toBe(OK);
    expect(record('LeadsObj', lead).leads_status).toBe('3');

    const account = sb.crm.put('AccountObj', { name: 'No flow' });
    expect((await trigger('AccountObj', account)).errorCode).toBe(INVALID);
    expect((await info('AccountObj', account)).errorCode).toBe(CODES.NO_STAGE_INSTANCE.errorCode);
    expect((await trigger('LeadsObj', '6fffffffffffffffffffffff')).errorCode).toBe(CODES.RECORD_NOT_FOUND.errorCode);
  });
});

// ---------------------------------------------------------------- pools

describe('pools', () => {
  const giveBack = (data) => call('/cgi/crm/v2/data/return', { data });
  const claim = (data, userId) => call('/cgi/crm/v2/data/choose', { data }, userId);

  test('the pools are read-only objects with their seeded records', async () => {
    const pools = await call('/cgi/crm/v2/data/query', { data: { dataObjectApiName: 'HighSeasObj', search_query_info: { limit: 10, offset: 0, orders: [{ fieldName: '_id', isAsc: true }] } } });
    expect(pools.data.dataList.map((r) => [r._id, r.name])).toEqual([
      [POOL_FIXTURES.eastChina._id, 'East China Pool'],
      [POOL_FIXTURES.defaultAccounts._id, 'Default Account Pool'],
    ]);
    const leadsPools = await call('/cgi/crm/v2/data/query', { data: { dataObjectApiName: 'LeadsPoolObj', search_query_info: { limit: 10, offset: 0 } } });
    expect(leadsPools.data.dataList.map((r) => r.name)).toEqual(['Web Leads Pool']);
    const list = await call('/cgi/crm/v2/object/list', {});
    expect(list.data.objects).toEqual(expect.arrayContaining([expect.objectContaining({ describeApiName: 'HighSeasObj', describeDisplayName: 'Account Pool' }), expect.objectContaining({ describeApiName: 'LeadsPoolObj', describeDisplayName: 'Leads Pool' })]));
    const write = await call('/cgi/crm/v2/data/create', { data: { object_data: { dataObjectApiName: 'HighSeasObj', name: 'Mine' } } });
    expect(write.errorCode).toBe(CODES.OBJECT_READ_ONLY.errorCode);
    const describe = await call('/cgi/crm/v2/object/describe', { data: { apiName: 'AccountObj' } });
    expect(describe.data.describe.fields.high_seas_id).toMatchObject({ type: 'object_reference', target_api_name: 'HighSeasObj', label: 'Account Pool' });
  });

  test('return empties the owner and sets the pool; a repeat fails; claim makes the acting employee the owner, pool kept', async () => {
    const a = sb.crm.put('AccountObj', { name: 'Pooled A' });
    const b = sb.crm.put('AccountObj', { name: 'Pooled B' });
    const pool = POOL_FIXTURES.eastChina._id;
    const { version } = record('AccountObj', a);
    expect(await giveBack({ apiName: 'AccountObj', objectIds: [a, b], objectPoolId: pool, backReason: '1' })).toMatchObject({ errorCode: OK });
    expect(record('AccountObj', a)).toMatchObject({ owner: [], high_seas_id: pool, version: version + 1 });
    expect(sb.crm.writes.filter((w) => w.action === 'return').map((w) => w.id)).toEqual([a, b]);

    const repeat = await giveBack({ apiName: 'AccountObj', objectIds: [a], objectPoolId: pool, backReason: '1' });
    expect(repeat.errorCode).toBe(CODES.RECORD_IN_POOL.errorCode);

    expect(await claim({ apiName: 'AccountObj', objectIds: [a] }, '1001')).toMatchObject({ errorCode: OK });
    expect(record('AccountObj', a)).toMatchObject({ owner: ['1001'], high_seas_id: pool, version: version + 2 });
    const twice = await claim({ apiName: 'AccountObj', objectIds: [a] }, '1001');
    expect(twice.errorCode).toBe(CODES.RECORD_NOT_IN_POOL.errorCode);
    expect(twice.errorDescription).toContain(a);
    expect((await claim({ apiName: 'AccountObj', objectIds: [b] }, '9999')).errorCode).toBe(CODES.EMPLOYEE_NOT_FOUND.errorCode);
    expect(record('AccountObj', b).owner).toEqual([]);

    // a claimed record can go back again, with a reason as text
    expect(await giveBack({ apiName: 'AccountObj', objectIds: [a], objectPoolId: POOL_FIXTURES.defaultAccounts._id, backReason: 'other', backReason__o: 'No budget' })).toMatchObject({ errorCode: OK });
    expect(record('AccountObj', a).high_seas_id).toBe(POOL_FIXTURES.defaultAccounts._id);
  });

  test('return: every field checked', async () => {
    const id = sb.crm.put('AccountObj', { name: 'Checked' });
    const lead = sb.crm.put('LeadsObj', { name: 'Lead to pool' });
    const body = { apiName: 'AccountObj', objectIds: [id], objectPoolId: POOL_FIXTURES.eastChina._id, backReason: '0' };
    const refusals = [
      [{ backReason: 'other' }, INVALID],
      [{ backReason: 'other', backReason__o: '  ' }, INVALID],
      [{ backReason: '3' }, INVALID],
      [{ backReason__o: 'text without other' }, INVALID],
      [{ objectPoolId: POOL_FIXTURES.webLeads._id }, INVALID],
      [{ objectPoolId: '5e00000000000000000000ff' }, INVALID],
      [{ apiName: 'ContactObj' }, INVALID],
      [{ objectIds: [] }, INVALID],
      [{ objectIds: [id, id] }, INVALID],
      [{ objectIds: [id, '6fffffffffffffffffffffff'] }, CODES.RECORD_NOT_FOUND.errorCode],
    ];
    for (const [change, code] of refusals) expect([change, (await giveBack({ ...body, ...change })).errorCode]).toEqual([change, code]);
    expect(record('AccountObj', id).owner).toEqual(['1000']);
    sb.crm.objects.get('AccountObj').records.get(id).life_status = 'invalid';
    expect((await giveBack(body)).errorCode).toBe(INVALID);

    const leadBody = { apiName: 'LeadsObj', objectIds: [lead], objectPoolId: POOL_FIXTURES.webLeads._id, backReason: '2' };
    expect((await giveBack(leadBody)).errorCode).toBe(OK);
    expect(record('LeadsObj', lead)).toMatchObject({ owner: [], leads_pool_id: POOL_FIXTURES.webLeads._id });
    expect((await claim({ apiName: 'LeadsObj', objectIds: [lead] })).errorCode).toBe(OK);
    expect(record('LeadsObj', lead).owner).toEqual([DEMO.userId]);
  });
});

// ---------------------------------------------------------------- sales records and functions

test('ActiveRecordObj: created linked to an account, read and queried back; a missing account or content refused', async () => {
  const account = sb.crm.put('AccountObj', { name: 'Visited' });
  const fields = { active_record_content: 'Visited the plant', active_record_type: '1', account_id: account };
  const created = await call('/cgi/crm/v2/data/create', { data: { object_data: { dataObjectApiName: 'ActiveRecordObj', ...fields } } });
  expect(created.errorCode).toBe(OK);
  const got = await call('/cgi/crm/v2/data/get', { data: { dataObjectApiName: 'ActiveRecordObj', objectDataId: created.dataId } });
  expect(got.data).toMatchObject({ ...fields, owner: [DEMO.userId] });
  const found = await call('/cgi/crm/v2/data/query', { data: { dataObjectApiName: 'ActiveRecordObj', search_query_info: { limit: 10, offset: 0, filters: [{ field_name: 'account_id', field_values: [account], operator: 'EQ' }] } } });
  expect(found.data.dataList.map((r) => r._id)).toEqual([created.dataId]);
  const missing = await call('/cgi/crm/v2/data/create', { data: { object_data: { dataObjectApiName: 'ActiveRecordObj', ...fields, account_id: '6fffffffffffffffffffffff' } } });
  expect(missing.errorCode).toBe(INVALID);
  expect(missing.errorDescription).toContain('no AccountObj record');
  const empty = await call('/cgi/crm/v2/data/create', { data: { object_data: { dataObjectApiName: 'ActiveRecordObj', active_record_type: '2' } } });
  expect(empty.errorDescription).toContain('active_record_content');
});

test('func_slow__c answers {waitedMs} after waiting; over the limit refused', async () => {
  const run = (value) => call('/cgi/crm/v2/special/function', { data: { api_name: 'func_slow__c', postId: crypto.randomUUID(), parameters: value === undefined ? [] : [{ name: 'ms', type: 'Number', value }] } });
  const started = Date.now();
  expect(await run(300)).toMatchObject({ errorCode: OK, data: { waitedMs: 300 } });
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(await run('20')).toMatchObject({ errorCode: OK, data: { waitedMs: 20 } });
  expect((await run(10001)).errorCode).toBe(INVALID);
  expect((await run(-1)).errorCode).toBe(INVALID);
});

test('GET /sandbox/files/contract.pdf: a valid one-page PDF a workflow can download; an unknown file is a 404', async () => {
  const { SAMPLE_FILES } = require('../sandbox/sample-files');
  const res = await axios.get(`${base}/sandbox/files/contract.pdf`, { responseType: 'arraybuffer', validateStatus: () => true });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const bytes = Buffer.from(res.data);
  expect(bytes.equals(SAMPLE_FILES['contract.pdf'].bytes)).toBe(true);
  const text = bytes.toString('latin1');
  expect(text.startsWith('%PDF-1.4')).toBe(true);
  // the cross-reference table points at each object
  const xref = Number(/startxref\n(\d+)/.exec(text)[1]);
  expect(text.slice(xref, xref + 4)).toBe('xref');
  for (const [i, offset] of [...text.matchAll(/^(\d{10}) 00000 n $/gm)].map((m, i) => [i + 1, Number(m[1])])) expect(text.slice(offset).startsWith(`${i} 0 obj`)).toBe(true);
  expect((await axios.get(`${base}/sandbox/files/other.pdf`, { validateStatus: () => true })).status).toBe(404);
});
