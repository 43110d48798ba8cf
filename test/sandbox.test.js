'use strict';

const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const axios = require('axios');

const { createSandbox, deliveryKey, tokenIdOf } = require('../sandbox/server');
const { CODES } = require('../sandbox/codes');
const { FAULT_NAMES } = require('../sandbox/faults');
const DEMO = require('../sandbox/demo-app');

jest.setTimeout(20000);

const SERVICE = DEMO.serviceId;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(64)]);

/** @type {ReturnType<typeof createSandbox>} */
let sb;
let base;

async function start(options) {
  sb = createSandbox(options);
  base = await sb.listen();
}

afterEach(async () => {
  if (sb) await sb.close();
  sb = null;
});

// ---------------------------------------------------------------- client helpers

const uuid = () => crypto.randomUUID();

/** POST and never throw on HTTP status. */
function post(pathname, data, { headers = {}, traceId = uuid(), query, ...config } = {}) {
  const qs = query !== undefined ? query : `thirdTraceId=${traceId}`;
  return axios.post(`${base}${pathname}${qs ? `?${qs}` : ''}`, data, {
    headers: { 'content-type': 'application/json', ...headers },
    validateStatus: () => true,
    ...config,
  });
}

const tokenBody = (overrides = {}) => ({
  appId: DEMO.appId,
  appSecret: DEMO.appSecret,
  permanentCode: DEMO.permanentCode,
  grantType: 'app_secret',
  ...overrides,
});

async function getToken() {
  const res = await post('/oauth2.0/token', tokenBody());
  expect(res.data.errorCode).toBe(0);
  return res.data.accessToken;
}

const authHeaders = (token) => ({ authorization: `Bearer ${token}`, 'x-fs-ea': DEMO.ea, 'x-fs-userid': DEMO.userId });

/** Business call with valid auth (fetching a token when none is given). */
async function call(pathname, data, { token, headers = {}, ...rest } = {}) {
  const t = token || (await getToken());
  return post(pathname, data, { headers: { ...authHeaders(t), ...headers }, ...rest });
}

const textMessage = (content = 'hello', toUser = ['1000']) => ({ toUser, msgType: 'text', text: { content } });
const revokeBody = (messageId, serviceId = SERVICE) => ({ serviceId, messageId });

/** @returns {{ body: Buffer, contentType: string }} */
function multipart(parts) {
  const boundary = `----sandboxTest${crypto.randomBytes(8).toString('hex')}`;
  const chunks = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(data, { filename = 'cover.png', contentType = 'image/png', field = 'media', token } = {}) {
  const form = multipart([{ name: field, filename, contentType, data }]);
  return call('/media/upload/message', form.body, { token, headers: { 'content-type': form.contentType } });
}

async function uploadPng(token) {
  const res = await upload(PNG, { token });
  expect(res.data.errorCode).toBe(0);
  return res.data.mediaId;
}

const article = (coverImage, overrides = {}) => ({
  title: 'Quarterly report',
  author: 'Ops',
  description: 'Numbers',
  coverImage,
  coverImageInContent: true,
  type: 'TEXT',
  content: 'Body text',
  ...overrides,
});

const lastRecord = () => sb.requests[sb.requests.length - 1];
/** Move the sandbox clock to the start of a fixed rate-limit window, so a test never straddles two. */
const alignWindow = (windowMs) => sb.advanceTime((windowMs - (sb.now() % windowMs)) / 1000);

/** Resolves with the error of a request that must fail at the socket level. */
async function socketError(promise) {
  const err = await promise.then(
    (res) => {
      throw new Error(`expected a socket error, got HTTP ${res.status}`);
    },
    (e) => e,
  );
  expect(err.response).toBeUndefined();
  expect(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_BAD_RESPONSE']).toContain(err.code);
  return err;
}

// ---------------------------------------------------------------- token endpoint

describe('token endpoint', () => {
  beforeEach(() => start());

  test('issues a token with the documented fields', async () => {
    const res = await post('/oauth2.0/token', tokenBody());
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      openUserId: expect.stringMatching(/^FSCID_/),
      accessToken: expect.stringMatching(/^[0-9A-F]{32}$/),
      expiresIn: 7200,
      appId: DEMO.appId,
      ea: DEMO.ea,
      errorCode: 0,
      errorMessage: 'success',
      errorDescription: 'success',
      traceId: expect.stringMatching(/^E-O\.sandbox\.\d+$/),
    });
    expect(sb.stats.tokenCalls).toBe(1);
    expect(lastRecord()).toMatchObject({ endpoint: 'token', applied: true, fault: null, thirdTraceIdStatus: 'ok' });
  });

  test.each([
    ['missing appId', tokenBody({ appId: undefined }), 10001],
    ['missing appSecret', tokenBody({ appSecret: undefined }), 10002],
    ['missing permanentCode', tokenBody({ permanentCode: undefined }), 10012],
    ['wrong grantType', tokenBody({ grantType: 'client_credentials' }), 32000],
    ['missing grantType', tokenBody({ grantType: undefined }), 32000],
    ['unknown appId', tokenBody({ appId: 'FSAID_nope' }), 20006],
    ['wrong appSecret', tokenBody({ appSecret: 'wrong' }), 10006],
    ['wrong permanentCode', tokenBody({ permanentCode: 'wrong' }), 20015],
  ])('%s', async (_name, body, code) => {
    const res = await post('/oauth2.0/token', body);
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ errorCode: code, error: expect.any(String), traceId: expect.any(String) });
    expect(res.data.error_description).toBe(res.data.errorDescription);
    expect(res.data.accessToken).toBeUndefined();
    expect(sb.tokens.size).toBe(0);
  });

  test('thirdTraceId must be a fresh UUID v4', async () => {
    const missing = await post('/oauth2.0/token', tokenBody(), { query: '' });
    const v1 = await post('/oauth2.0/token', tokenBody(), { traceId: 'c232ab00-9414-11ec-b3c8-9f6bdeced846' });
    const id = uuid();
    const first = await post('/oauth2.0/token', tokenBody(), { traceId: id });
    const repeat = await post('/oauth2.0/token', tokenBody(), { traceId: id });
    expect([missing.data.errorCode, v1.data.errorCode, first.data.errorCode, repeat.data.errorCode]).toEqual([32000, 32000, 0, 32000]);
    expect(sb.requests.map((r) => r.thirdTraceIdStatus)).toEqual(['missing', 'invalid', 'ok', 'duplicate']);
  });

  test('malformed JSON and wrong content type are rejected', async () => {
    const bad = await post('/oauth2.0/token', '{"appId":', {});
    expect(bad.data.errorCode).toBe(12004);
    const form = await post('/oauth2.0/token', 'appId=x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.data.errorCode).toBe(32000);
    expect(sb.tokens.size).toBe(0);
  });

  test('same token until 6600 s, then a new one; the old one lives to 7200 s', async () => {
    const first = (await post('/oauth2.0/token', tokenBody())).data;
    sb.advanceTime(100);
    const again = (await post('/oauth2.0/token', tokenBody())).data;
    expect(again.accessToken).toBe(first.accessToken);
    expect(again.expiresIn).toBe(7100);

    sb.advanceTime(6499); // age 6599 s
    const stillSame = (await post('/oauth2.0/token', tokenBody())).data;
    expect(stillSame.accessToken).toBe(first.accessToken);
    expect(stillSame.expiresIn).toBe(601);

    sb.advanceTime(2); // age 6601 s
    const renewed = (await post('/oauth2.0/token', tokenBody())).data;
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.expiresIn).toBe(7200);

    const oldStillValid = await call('/cgi/message/send', textMessage(), { token: first.accessToken });
    expect(oldStillValid.data.errorCode).toBe(0);

    sb.advanceTime(600); // old token is 7201 s old
    const oldDead = await call('/cgi/message/send', textMessage(), { token: first.accessToken });
    expect(oldDead.data.errorCode).toBe(20016);
    const newAlive = await call('/cgi/message/send', textMessage(), { token: renewed.accessToken });
    expect(newAlive.data.errorCode).toBe(0);
  });

  test('expired tokens answer 20016; expireTokens() kills them at once', async () => {
    const token = await getToken();
    sb.advanceTime(7200);
    expect((await call('/cgi/message/send', textMessage(), { token })).data.errorCode).toBe(20016);

    const fresh = await getToken();
    expect(fresh).not.toBe(token);
    expect((await call('/cgi/message/send', textMessage(), { token: fresh })).data.errorCode).toBe(0);
    sb.expireTokens();
    expect((await call('/cgi/message/send', textMessage(), { token: fresh })).data.errorCode).toBe(20016);
    expect(await getToken()).not.toBe(fresh);
  });

  test('overlapping token calls are detected (tokenDelayMs)', async () => {
    sb.configure({ tokenDelayMs: 150 });
    await Promise.all([getToken(), getToken(), getToken()]);
    expect(sb.stats.tokenCalls).toBe(3);
    expect(sb.stats.tokenCallsConcurrentMax).toBe(3);
    expect(sb.stats.concurrentTokenCalls).toBe(2);

    sb.reset();
    await getToken();
    await getToken();
    expect(sb.stats).toMatchObject({ tokenCalls: 2, tokenCallsConcurrentMax: 1, concurrentTokenCalls: 0 });
  });

  test('several apps have separate tokens', async () => {
    const other = { appId: 'FSAID_other', appSecret: 's2', permanentCode: 'p2', ea: 'other_ea' };
    sb.configure({ apps: [DEMO, other] });
    const res = await post('/oauth2.0/token', tokenBody(other));
    expect(res.data).toMatchObject({ errorCode: 0, ea: 'other_ea' });
    const crossEa = await post('/cgi/message/send', textMessage(), { headers: authHeaders(res.data.accessToken) });
    expect(crossEa.data.errorCode).toBe(20016);
  });
});

// ---------------------------------------------------------------- common checks

describe('common request checks on business endpoints', () => {
  let token;
  beforeEach(async () => {
    await start();
    token = await getToken();
  });

  const send = (headers, options = {}) => post('/cgi/message/send', textMessage(), { headers, ...options });

  test('no authorization header -> 20017', async () => {
    const res = await send({ 'x-fs-ea': DEMO.ea, 'x-fs-userid': '1000' });
    expect(res.status).toBe(200);
    expect(res.data.errorCode).toBe(20017);
  });

  test.each([
    ['unknown token', (t) => ({ ...authHeaders(t), authorization: 'Bearer 0123456789ABCDEF0123456789ABCDEF' })],
    ['no Bearer prefix', (t) => ({ ...authHeaders(t), authorization: t })],
    ['two spaces', (t) => ({ ...authHeaders(t), authorization: `Bearer  ${t}` })],
    ['wrong x-fs-ea', (t) => ({ ...authHeaders(t), 'x-fs-ea': 'someone_else' })],
    ['missing x-fs-ea', (t) => ({ authorization: `Bearer ${t}`, 'x-fs-userid': '1000' })],
  ])('%s -> 20016', async (_name, headers) => {
    expect((await send(headers(token))).data.errorCode).toBe(20016);
  });

  test('missing x-fs-userid -> parameter error', async () => {
    const { 'x-fs-userid': _omit, ...headers } = authHeaders(token);
    expect((await send(headers)).data.errorCode).toBe(32000);
  });

  test('thirdTraceId missing, not v4, or reused -> parameter error, nothing delivered', async () => {
    const headers = authHeaders(token);
    expect((await send(headers, { query: '' })).data.errorCode).toBe(32000);
    expect((await send(headers, { query: 'thirdTraceId=abc' })).data.errorCode).toBe(32000);
    const id = uuid();
    expect((await send(headers, { traceId: id })).data.errorCode).toBe(0);
    expect((await send(headers, { traceId: id })).data.errorCode).toBe(32000);
    expect(lastRecord().thirdTraceIdStatus).toBe('duplicate');
    expect([...sb.deliveries.values()]).toEqual([1]);
  });

  test('a thirdTraceId used on the token call cannot be reused', async () => {
    const id = uuid();
    await post('/oauth2.0/token', tokenBody(), { traceId: id });
    expect((await send(authHeaders(token), { traceId: id })).data.errorCode).toBe(32000);
  });

  test('content type, empty and malformed bodies', async () => {
    const headers = authHeaders(token);
    const plain = await post('/cgi/message/send', JSON.stringify(textMessage()), { headers: { ...headers, 'content-type': 'text/plain' } });
    expect(plain.data.errorCode).toBe(32000);
    expect((await post('/cgi/message/send', '', { headers })).data.errorCode).toBe(12004);
    expect((await post('/cgi/message/send', '{"toUser":[', { headers })).data.errorCode).toBe(12004);
    expect((await post('/cgi/message/send', '[1,2]', { headers })).data.errorCode).toBe(12004);
    const charset = await post('/cgi/message/send', textMessage(), { headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
    expect(charset.data.errorCode).toBe(0);
  });

  test('unknown paths and non-POST methods get a 404 HTML page', async () => {
    const get = await axios.get(`${base}/cgi/message/send?thirdTraceId=${uuid()}`, { validateStatus: () => true });
    expect(get.status).toBe(404);
    expect(get.headers['content-type']).toMatch(/text\/html/);
    const unknown = await post('/cgi/crm/v2/data/no-such-call', {}, { headers: authHeaders(token) });
    expect(unknown.status).toBe(404);
    expect(lastRecord().endpoint).toBe('other');
  });

  test('records requests in order with lower-case headers, query and byte-exact raw body', async () => {
    const content = '你好 👋🏽 «quoted» \u2028 done';
    const raw = JSON.stringify(textMessage(content));
    const id = uuid();
    await post('/cgi/message/send', raw, { headers: { ...authHeaders(token), 'X-Custom-Header': 'Yes' }, traceId: id });
    const record = lastRecord();
    expect(record).toMatchObject({
      seq: sb.requests.length,
      endpoint: 'send',
      method: 'POST',
      path: '/cgi/message/send',
      query: { thirdTraceId: id },
      fault: null,
      applied: true,
      response: { status: 200, body: { errorCode: 0 } },
    });
    expect(record.headers['x-custom-header']).toBe('Yes');
    expect(record.rawBody).toBe(raw);
    expect(record.body.text.content).toBe(content);
    expect(record.endedAt).toBeGreaterThanOrEqual(record.startedAt);
    expect(sb.requests.map((r) => r.endpoint)).toEqual(['token', 'send']);
    expect(sb.stats.byEndpoint).toEqual({ token: 1, send: 1 });
  });

  test('every response has a unique traceId', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? send(authHeaders(token)) : send({}))),
    );
    const ids = responses.map((r) => r.data.traceId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

// ---------------------------------------------------------------- revoke

describe('revoke', () => {
  let token;
  beforeEach(async () => {
    await start();
    sb.seedMessages(SERVICE, ['m1', 'm2']);
    token = await getToken();
  });

  test('revokes a seeded message once', async () => {
    const ok = await call('/cgi/app/message/revoke', revokeBody('m1'), { token });
    expect(ok.data).toEqual({ traceId: expect.any(String), errorCode: 0, errorMessage: 'OK', errorDescription: 'success' });
    expect(lastRecord().applied).toBe(true);
    expect(sb.messages.get('m1')).toMatchObject({ serviceId: SERVICE, revoked: true, revokedCount: 1 });

    const again = await call('/cgi/app/message/revoke', revokeBody('m1'), { token });
    expect(again.data.errorCode).toBe(CODES.MESSAGE_ALREADY_REVOKED.errorCode);
    expect(lastRecord().applied).toBe(false);
    expect(sb.messages.get('m1').revokedCount).toBe(1);
  });

  test('unknown message and wrong service', async () => {
    expect((await call('/cgi/app/message/revoke', revokeBody('nope'), { token })).data.errorCode).toBe(CODES.MESSAGE_NOT_FOUND.errorCode);
    expect((await call('/cgi/app/message/revoke', revokeBody('m2', 'FSAID_other'), { token })).data.errorCode).toBe(
      CODES.SERVICE_MISMATCH.errorCode,
    );
    expect(sb.messages.get('m2').revoked).toBe(false);
  });

  test.each([
    ['missing messageId', { serviceId: SERVICE }],
    ['missing serviceId', { messageId: 'm1' }],
    ['empty messageId', { serviceId: SERVICE, messageId: '' }],
    ['numeric messageId', { serviceId: SERVICE, messageId: 1 }],
    ['extra field', { serviceId: SERVICE, messageId: 'm1', toUser: ['1000'] }],
  ])('%s -> parameter error', async (_name, body) => {
    const res = await call('/cgi/app/message/revoke', body, { token });
    expect(res.data.errorCode).toBe(CODES.INVALID_PARAMETER.errorCode);
    expect(sb.messages.get('m1').revoked).toBe(false);
  });

  test("unknownMessages: 'accept' revokes any id, still only once", async () => {
    sb.configure({ unknownMessages: 'accept' });
    expect((await call('/cgi/app/message/revoke', revokeBody('anything'), { token })).data.errorCode).toBe(0);
    expect((await call('/cgi/app/message/revoke', revokeBody('anything'), { token })).data.errorCode).toBe(
      CODES.MESSAGE_ALREADY_REVOKED.errorCode,
    );
  });
});

// ---------------------------------------------------------------- send

describe('send', () => {
  let token;
  beforeEach(async () => {
    await start();
    token = await getToken();
  });
  const send = (body) => call('/cgi/message/send', body, { token });

  test('text message is delivered and counted by content', async () => {
    const res = await send(textMessage('hi', ['1000', '1001']));
    expect(res.data).toEqual({ traceId: expect.any(String), errorCode: 0, errorMessage: 'OK', errorDescription: 'success' });
    await send({ text: { content: 'hi' }, msgType: 'text', toUser: ['1002'] }); // same content, other key order
    expect([...sb.deliveries.entries()]).toEqual([[JSON.stringify({ msgType: 'text', text: { content: 'hi' } }), 2]]);
    expect(sb.deliveries.get(deliveryKey(textMessage('hi')))).toBe(2);
    expect(sb.recipientDeliveries.get('1000')).toBe(1);
    expect(sb.sent).toHaveLength(2);
    expect(res.data.messageId).toBeUndefined();
  });

  test('platform flags are accepted', async () => {
    expect((await send({ ...textMessage(), convertUserId: true, convertMediaId: false })).data.errorCode).toBe(0);
    expect((await send({ ...textMessage(), convertUserId: 'yes' })).data.errorCode).toBe(15002);
  });

  test('500 recipients ok, 501 rejected', async () => {
    const users = (n) => Array.from({ length: n }, (_, i) => String(1000 + i));
    expect((await send(textMessage('x', users(500)))).data.errorCode).toBe(0);
    expect((await send(textMessage('x', users(501)))).data.errorCode).toBe(11016);
    expect(sb.deliveries.size).toBe(1);
  });

  test.each([
    ['missing toUser', { msgType: 'text', text: { content: 'x' } }, 10015],
    ['empty toUser', textMessage('x', []), 10015],
    ['toUser not an array', { ...textMessage(), toUser: '1000' }, 11016],
    ['numeric recipient', textMessage('x', [1000]), 11016],
    ['empty recipient', textMessage('x', ['']), 11016],
    ['unknown msgType', { toUser: ['1000'], msgType: 'image', image: {} }, 11017],
    ['missing msgType', { toUser: ['1000'], text: { content: 'x' } }, 11017],
    ['empty text', textMessage(''), 12005],
    ['blank text', textMessage('   '), 12005],
    ['missing text', { toUser: ['1000'], msgType: 'text' }, 12005],
    ['content of another type', { ...textMessage(), composite: {} }, 15002],
    ['unknown top-level field', { ...textMessage(), corpAccessToken: 'x' }, 15002],
    ['serviceId on plain send', { ...textMessage(), serviceId: SERVICE }, 15002],
  ])('%s', async (_name, body, code) => {
    expect((await send(body)).data.errorCode).toBe(code);
    expect(sb.deliveries.size).toBe(0);
    expect(lastRecord().applied).toBe(false);
  });

  const composite = (overrides = {}) => ({
    toUser: ['1000'],
    msgType: 'composite',
    composite: {
      head: { title: 'Approval' },
      first: { content: 'Please review' },
      form: [{ label: 'Amount', value: '100' }],
      remark: { content: 'Thanks' },
      link: { title: 'Open', url: 'fs://CRM/udobj?{"objDescApiName":"AccountObj","objDataId":"1"}' },
      ...overrides,
    },
  });

  test('composite message', async () => {
    expect((await send(composite())).data.errorCode).toBe(0);
    expect((await send(composite({ first: undefined, form: undefined, remark: undefined }))).data.errorCode).toBe(0);
    expect((await send(composite({ link: undefined }))).data.errorCode).toBe(15002);
    expect((await send(composite({ link: { title: 'Open' } }))).data.errorCode).toBe(15002);
    expect((await send(composite({ head: {} }))).data.errorCode).toBe(15002);
    expect((await send(composite({ form: [{ label: 1, value: 'x' }] }))).data.errorCode).toBe(15002);
    expect((await send({ toUser: ['1000'], msgType: 'composite' })).data.errorCode).toBe(15002);
    expect(sb.deliveries.size).toBe(2);
  });

  describe('articles', () => {
    let mediaId;
    beforeEach(async () => {
      mediaId = await uploadPng(token);
    });
    const articles = (list) => ({ toUser: ['1000'], msgType: 'articles', articles: list });

    test('1..7 articles ok, 8 rejected', async () => {
      const seven = Array.from({ length: 7 }, (_, i) => article(mediaId, { title: `t${i}` }));
      expect((await send(articles(seven))).data.errorCode).toBe(0);
      expect((await send(articles([...seven, article(mediaId)]))).data.errorCode).toBe(15002);
      expect((await send(articles([]))).data.errorCode).toBe(15002);
      const url = article(mediaId, { type: 'URL', content: 'https://example.com', author: undefined, description: undefined });
      delete url.coverImageInContent;
      expect((await send(articles([url]))).data.errorCode).toBe(0);
    });

    test('lengths count code points: 45 ok, 46 rejected', async () => {
      expect((await send(articles([article(mediaId, { title: '😀'.repeat(45) })]))).data.errorCode).toBe(0);
      expect((await send(articles([article(mediaId, { title: '标'.repeat(45) })]))).data.errorCode).toBe(0);
      expect((await send(articles([article(mediaId, { title: 'a'.repeat(46) })]))).data.errorCode).toBe(15002);
      expect((await send(articles([article(mediaId, { author: '作'.repeat(8) })]))).data.errorCode).toBe(0);
      expect((await send(articles([article(mediaId, { author: 'a'.repeat(9) })]))).data.errorCode).toBe(15002);
      expect((await send(articles([article(mediaId, { description: 'd'.repeat(140) })]))).data.errorCode).toBe(0);
      expect((await send(articles([article(mediaId, { description: 'd'.repeat(141) })]))).data.errorCode).toBe(15002);
    });

    test.each([
      ['missing title', { title: undefined }],
      ['missing content', { content: undefined }],
      ['missing coverImage', { coverImage: undefined }],
      ['bad type', { type: 'HTML' }],
      ['missing type', { type: undefined }],
      ['non-boolean coverImageInContent', { coverImageInContent: 'true' }],
      ['unknown field', { imageTextType: 'TEXT' }],
    ])('%s -> 15002', async (_name, overrides) => {
      expect((await send(articles([article(mediaId, overrides)]))).data.errorCode).toBe(15002);
    });

    test('coverImage must be a mediaId this server issued', async () => {
      const res = await send(articles([article('not-a-media-id')]));
      expect(res.data.errorCode).toBe(CODES.MEDIA_NOT_FOUND.errorCode);
    });
  });

  test('app send requires serviceId and stores the message under it', async () => {
    const missing = await call('/cgi/app/message/send', textMessage(), { token });
    expect(missing.data.errorCode).toBe(15002);
    const ok = await call('/cgi/app/message/send', { serviceId: SERVICE, ...textMessage('svc') }, { token });
    expect(ok.data.errorCode).toBe(0);
    expect(sb.sent[0]).toMatchObject({ endpoint: 'appSend', serviceId: SERVICE });
    expect(sb.stats.byEndpoint.appSend).toBe(2);
  });

  test('returnMessageId makes sent messages revocable', async () => {
    sb.configure({ returnMessageId: true });
    const appSent = await call('/cgi/app/message/send', { serviceId: 'FSAID_svc2', ...textMessage('a') }, { token });
    expect(appSent.data).toMatchObject({ errorCode: 0, messageId: expect.any(String), serviceId: 'FSAID_svc2' });
    const plain = await send(textMessage('b'));
    expect(plain.data).toMatchObject({ errorCode: 0, messageId: expect.any(String), serviceId: SERVICE });

    const revoke = (id, svc) => call('/cgi/app/message/revoke', revokeBody(id, svc), { token });
    expect((await revoke(appSent.data.messageId, 'FSAID_svc2')).data.errorCode).toBe(0);
    expect((await revoke(plain.data.messageId, SERVICE)).data.errorCode).toBe(0);
    expect((await revoke(plain.data.messageId, SERVICE)).data.errorCode).toBe(CODES.MESSAGE_ALREADY_REVOKED.errorCode);
    expect(sb.messages.get(appSent.data.messageId).content).toEqual({ msgType: 'text', text: { content: 'a' } });
  });
});

// ---------------------------------------------------------------- upload

describe('upload', () => {
  let token;
  beforeEach(async () => {
    await start();
    token = await getToken();
  });

  test('PNG is stored and described in the record', async () => {
    const res = await upload(PNG, { token });
    expect(res.data).toMatchObject({ errorCode: 0, mediaId: expect.stringMatching(/^sandbox-media-[0-9a-f]+$/) });
    const sha = crypto.createHash('sha256').update(PNG).digest('hex');
    expect(sb.media.get(res.data.mediaId)).toMatchObject({ size: PNG.length, contentType: 'image/png', sha256: sha });
    expect(lastRecord()).toMatchObject({
      endpoint: 'upload',
      applied: true,
      rawBody: null,
      body: { fields: {}, files: [{ field: 'media', filename: 'cover.png', contentType: 'image/png', size: PNG.length, sha256: sha }] },
    });
  });

  test('JPEG, GIF and BMP are accepted by magic bytes, whatever the declared type', async () => {
    const samples = [
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
      Buffer.from('GIF89a\x01\x00', 'latin1'),
      Buffer.from('GIF87a\x01\x00', 'latin1'),
      Buffer.from('BM\x00\x00\x00\x00', 'latin1'),
    ];
    for (const data of samples) {
      const res = await upload(data, { token, contentType: 'application/octet-stream', filename: 'x.bin' });
      expect(res.data.errorCode).toBe(0);
    }
    expect([...sb.media.values()].map((m) => m.contentType)).toEqual(['image/jpeg', 'image/gif', 'image/gif', 'image/bmp']);
  });

  test('works with the FormData + Blob that axios and fetch send', async () => {
    const form = new FormData();
    form.append('media', new Blob([PNG], { type: 'image/png' }), 'blob.png');
    const res = await axios.post(`${base}/media/upload/message?thirdTraceId=${uuid()}`, form, { headers: authHeaders(token) });
    expect(res.data.errorCode).toBe(0);
    expect(lastRecord().body.files[0]).toMatchObject({ filename: 'blob.png', size: PNG.length });
  });

  test.each([
    ['text file', () => upload(Buffer.from('just text'), { token, filename: 'a.txt', contentType: 'image/png' }), 15002],
    ['empty file', () => upload(Buffer.alloc(0), { token }), 15002],
    ['wrong field name', () => upload(PNG, { token, field: 'file' }), 15002],
    ['JSON instead of multipart', () => call('/media/upload/message', { media: 'x' }, { token }), 32000],
  ])('%s', async (_name, run, code) => {
    expect((await run()).data.errorCode).toBe(code);
    expect(sb.media.size).toBe(0);
  });

  test('5 MiB ok, one byte more rejected, far larger rejected', async () => {
    const max = 5 * 1024 * 1024;
    const png = (size) => Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(size - 8, 1)]);
    expect((await upload(png(max), { token })).data.errorCode).toBe(0);
    expect((await upload(png(max + 1), { token })).data.errorCode).toBe(15002);
    expect((await upload(png(8 * 1024 * 1024), { token })).data.errorCode).toBe(15002);
    expect(sb.media.size).toBe(1);
  });

  test('upload still needs the common headers', async () => {
    const form = multipart([{ name: 'media', filename: 'a.png', contentType: 'image/png', data: PNG }]);
    const res = await post('/media/upload/message', form.body, { headers: { 'content-type': form.contentType } });
    expect(res.data.errorCode).toBe(20017);
  });
});

// ---------------------------------------------------------------- tokenMaxUses

describe('tokenMaxUses', () => {
  test('default: unlimited', async () => {
    await start();
    expect(sb.options.tokenMaxUses).toBeNull();
    const token = await getToken();
    for (let i = 0; i < 30; i++) expect((await call('/cgi/message/send', textMessage(`u${i}`), { token })).data.errorCode).toBe(0);
    expect(sb.stats).toMatchObject({ tokensIssued: 1, tokensUsedUp: 0, tokenUsedUpRejections: 0 });
  });

  test('a token dies after N business calls; the next token call issues a new one', async () => {
    await start({ tokenMaxUses: 3 });
    const first = await getToken();
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await call('/cgi/message/send', textMessage(`m${i}`), { token: first })).data.errorCode);
    expect(codes).toEqual([0, 0, 0, 20016, 20016]);
    expect(sb.sent).toHaveLength(3);
    expect(lastRecord()).toMatchObject({ applied: false, response: { body: { errorDescription: expect.stringMatching(/used up/) } } });
    expect(sb.stats).toMatchObject({ tokensIssued: 1, tokensUsedUp: 1, tokenUsedUpRejections: 2 });

    const second = await getToken();
    expect(second).not.toBe(first);
    expect((await call('/cgi/message/send', textMessage('after'), { token: second })).data.errorCode).toBe(0);
    expect(sb.stats.tokensIssued).toBe(2);
    // while the new one has uses left, token calls return it again
    expect(await getToken()).toBe(second);
  });

  test('uses are counted over all clients and endpoints; failed business calls count, token calls and rate-limited ones do not', async () => {
    await start({ tokenMaxUses: 4, rateLimit: { limit: 1, windowMs: 60000, endpoints: ['revoke'] } });
    alignWindow(60000);
    const token = await getToken();
    const agentA = new http.Agent({ keepAlive: true });
    const agentB = new http.Agent({ keepAlive: true });
    try {
      sb.seedMessages(SERVICE, ['t1']);
      // client A: a revoke (use 1), a second revoke rate-limited (no use)
      expect((await call('/cgi/app/message/revoke', revokeBody('t1'), { token, httpAgent: agentA })).data.errorCode).toBe(0);
      expect((await call('/cgi/app/message/revoke', revokeBody('t1'), { token, httpAgent: agentA })).data.errorCode).toBe(14001);
      // client B: a send (use 2), an invalid send (use 3: passed the token check), token calls (no use)
      expect((await call('/cgi/message/send', textMessage('b'), { token, httpAgent: agentB })).data.errorCode).toBe(0);
      expect((await call('/cgi/message/send', { toUser: [] , msgType: 'text', text: { content: 'x' } }, { token, httpAgent: agentB })).data.errorCode).not.toBe(0);
      expect(await getToken()).toBe(token);
      // client A: use 4, then dead for everybody
      expect((await call('/cgi/message/send', textMessage('a'), { token, httpAgent: agentA })).data.errorCode).toBe(0);
      expect((await call('/cgi/message/send', textMessage('a2'), { token, httpAgent: agentA })).data.errorCode).toBe(20016);
      expect((await call('/cgi/message/send', textMessage('b2'), { token, httpAgent: agentB })).data.errorCode).toBe(20016);
      expect(sb.tokens.get(token).uses).toBe(4);
      expect(await getToken()).not.toBe(token);
    } finally {
      agentA.destroy();
      agentB.destroy();
    }
  });

  test('refuses bad values', async () => {
    expect(() => createSandbox({ tokenMaxUses: 0 })).toThrow(/tokenMaxUses/);
    expect(() => createSandbox({ tokenMaxUses: 1.5 })).toThrow(/tokenMaxUses/);
    expect(createSandbox({ tokenMaxUses: null }).options.tokenMaxUses).toBeNull();
  });
});

// ---------------------------------------------------------------- token fingerprints in records

describe('record.tokenId', () => {
  test('names the token used (a short hash, never the token); distinct tokens can be counted', async () => {
    await start({ tokenMaxUses: 2 });
    const first = await getToken();
    expect(lastRecord().tokenId).toBe(tokenIdOf(first));
    await call('/cgi/message/send', textMessage('1'), { token: first });
    await call('/cgi/message/send', textMessage('2'), { token: first });
    const second = await getToken();
    await call('/cgi/message/send', textMessage('3'), { token: second });
    await post('/cgi/message/send', textMessage('4'), { headers: { 'x-fs-ea': DEMO.ea, 'x-fs-userid': DEMO.userId } });

    const sends = sb.requests.filter((r) => r.endpoint === 'send');
    expect(sends.map((r) => r.tokenId)).toEqual([tokenIdOf(first), tokenIdOf(first), tokenIdOf(second), null]);
    expect(tokenIdOf(first)).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(sends.map((r) => r.tokenId).filter(Boolean)).size).toBe(2);
    // the token value itself appears nowhere in the record but the request's own header
    for (const r of sb.requests) {
      const { headers, response, ...rest } = r;
      expect(JSON.stringify(rest)).not.toContain(first);
    }
  });
});

// ---------------------------------------------------------------- rate limit

describe('rate limit', () => {
  test('fixed window per endpoint, over-limit applies nothing', async () => {
    await start({ rateLimit: { limit: 3, windowMs: 20000 } });
    sb.seedMessages(SERVICE, ['r1']);
    const token = await getToken();
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await call('/cgi/message/send', textMessage(`m${i}`), { token })).data.errorCode);
    expect(codes).toEqual([0, 0, 0, 14001]);
    expect(lastRecord().applied).toBe(false);
    expect(sb.sent).toHaveLength(3);

    // another endpoint has its own counter
    expect((await call('/cgi/app/message/revoke', revokeBody('r1'), { token })).data.errorCode).toBe(0);

    sb.advanceTime(20);
    expect((await call('/cgi/message/send', textMessage('later'), { token })).data.errorCode).toBe(0);
  });

  test('stats.rateLimited counts rejections per endpoint; records are marked', async () => {
    await start({ rateLimit: { limit: 2, windowMs: 60000, endpoints: ['send', 'revoke'] } });
    alignWindow(60000);
    sb.seedMessages(SERVICE, ['q1', 'q2', 'q3']);
    const token = await getToken();
    for (let i = 0; i < 5; i++) await call('/cgi/message/send', textMessage(`s${i}`), { token });
    for (const id of ['q1', 'q2', 'q3']) await call('/cgi/app/message/revoke', revokeBody(id), { token });
    expect(sb.stats.rateLimited).toEqual({ send: 3, revoke: 1 });
    expect(sb.requests.filter((r) => r.rateLimited).map((r) => r.endpoint)).toEqual(['send', 'send', 'send', 'revoke']);
    expect(sb.requests.filter((r) => r.rateLimited).every((r) => r.response.body.errorCode === 14001 && !r.applied)).toBe(true);
  });

  test('one window is shared by all clients (several processes, several connections)', async () => {
    await start({ rateLimit: { limit: 10, windowMs: 60000, endpoints: ['send'] } });
    alignWindow(60000);
    const token = await getToken();
    // three "processes": separate keep-alive agents, plus one child process with its own connections
    const agents = [new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: false })];
    try {
      const inProcess = Promise.all(
        Array.from({ length: 12 }, (_, i) => call('/cgi/message/send', textMessage(`p${i}`), { token, httpAgent: agents[i % 3] })),
      );
      const script = `
        const http = require('node:http');
        const crypto = require('node:crypto');
        const [base, token, ea, userId] = process.argv.slice(1);
        const one = (i) => new Promise((resolve, reject) => {
          const body = JSON.stringify({ toUser: ['1000'], msgType: 'text', text: { content: 'child' + i } });
          const req = http.request(base + '/cgi/message/send?thirdTraceId=' + crypto.randomUUID(), { method: 'POST', headers: {
            'content-type': 'application/json', authorization: 'Bearer ' + token, 'x-fs-ea': ea, 'x-fs-userid': userId } }, (res) => {
            let text = ''; res.on('data', (d) => (text += d)); res.on('end', () => resolve(JSON.parse(text).errorCode));
          });
          req.on('error', reject);
          req.end(body);
        });
        Promise.all(Array.from({ length: 8 }, (_, i) => one(i))).then((codes) => process.stdout.write(JSON.stringify(codes)));
      `;
      const child = spawn(process.execPath, ['-e', script, base, token, DEMO.ea, String(DEMO.userId)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const childCodes = new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out))));
      const codes = [...(await inProcess).map((r) => r.data.errorCode), ...(await childCodes)];
      expect(codes).toHaveLength(20);
      expect(codes.filter((c) => c === 0)).toHaveLength(10);
      expect(codes.filter((c) => c === 14001)).toHaveLength(10);
      expect(sb.stats.rateLimited).toEqual({ send: 10 });
      expect(sb.sent).toHaveLength(10);
    } finally {
      for (const a of agents) a.destroy();
    }
  });

  test('error code and endpoints are configurable', async () => {
    await start({ rateLimit: { limit: 1, windowMs: 60000, errorCode: 30004, endpoints: ['token'] } });
    expect((await post('/oauth2.0/token', tokenBody())).data.errorCode).toBe(0);
    const limited = await post('/oauth2.0/token', tokenBody());
    expect(limited.data).toMatchObject({ errorCode: 30004, error: expect.any(String) });
    expect(() => sb.configure({ rateLimit: { limit: 1, windowMs: 1, errorCode: 99999 } })).toThrow(/not in sandbox/);
  });
});

// ---------------------------------------------------------------- faults

describe('fault injection', () => {
  let token;
  beforeEach(async () => {
    await start();
    token = await getToken();
  });
  const send = (content = 'x', options = {}) => call('/cgi/message/send', textMessage(content), { token, ...options });

  test.each([
    ['tokenExpired', 20016],
    ['error20016', 20016],
    ['rateLimit14001', 14001],
    ['rateLimit30004', 30004],
    ['busy', -1],
    ['serviceTimeout50009', 50009],
    ['quotaDaily30002', 30002],
    ['quotaNone30003', 30003],
  ])('%s answers HTTP 200 with errorCode %i and applies nothing', async (kind, code) => {
    sb.injectNext(kind);
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ errorCode: code, traceId: expect.any(String) });
    expect(lastRecord()).toMatchObject({ fault: kind, applied: false });
    expect(sb.deliveries.size).toBe(0);

    const next = await send();
    expect(next.data.errorCode).toBe(kind === 'tokenExpired' ? 20016 : 0);
  });

  test.each([
    ['http500', 500],
    ['http502', 502],
    ['http503', 503],
    ['http429', 429],
  ])('%s answers HTTP %i without JSON', async (kind, status) => {
    sb.injectNext(kind);
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).not.toMatch(/json/);
    expect(typeof res.data).toBe('string');
    expect(lastRecord()).toMatchObject({ fault: kind, applied: false, response: { status } });
    if (kind === 'http429') expect(res.headers['retry-after']).toBe('1');
  });

  test('resetBeforeReply drops the connection before processing', async () => {
    sb.injectNext('resetBeforeReply');
    await socketError(send());
    expect(sb.requests[1]).toMatchObject({ fault: 'resetBeforeReply', applied: false, response: null });
    expect(sb.deliveries.size).toBe(0);
  });

  test('resetAfterApply applies, then drops the connection', async () => {
    sb.seedMessages(SERVICE, ['m1']);
    sb.injectNext('resetAfterApply', 1, 'revoke');
    await socketError(call('/cgi/app/message/revoke', revokeBody('m1'), { token }));
    expect(sb.requests[1]).toMatchObject({ fault: 'resetAfterApply', applied: true, response: null });
    expect(sb.messages.get('m1').revoked).toBe(true);
    // the client's retry (new thirdTraceId) now sees "already revoked"
    const retry = await call('/cgi/app/message/revoke', revokeBody('m1'), { token });
    expect(retry.data.errorCode).toBe(CODES.MESSAGE_ALREADY_REVOKED.errorCode);
  });

  test('slowReply applies and answers late', async () => {
    sb.injectNext('slowReply', 1, undefined, { slowMs: 300 });
    const res = await send();
    // (on the sandbox's own clock: the answer left 300 ms after the request came)
    expect(lastRecord().endedAt - lastRecord().startedAt).toBeGreaterThanOrEqual(300);
    expect(res.data.errorCode).toBe(0);
    expect(lastRecord()).toMatchObject({ fault: 'slowReply', applied: true });
  });

  test('slowReply delay comes from the injectFaults spec (default 30 s); a client timeout hangs up', async () => {
    sb.injectFaults({ rate: 1, kinds: ['slowReply'], seed: 7 });
    const err = await send('x', { timeout: 200 }).catch((e) => e);
    expect(err.code).toBe('ECONNABORTED');
    expect(sb.deliveries.size).toBe(1);
  });

  test('truncatedJson applies and sends half a JSON body', async () => {
    sb.injectNext('truncatedJson');
    const res = await send('x', { transitional: { silentJSONParsing: true } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(typeof res.data).toBe('string');
    expect(() => JSON.parse(res.data)).toThrow();
    expect(lastRecord()).toMatchObject({ fault: 'truncatedJson', applied: true });
    expect(sb.deliveries.size).toBe(1);
  });

  test.each([
    ['http502AfterApply', 502],
    ['http504AfterApply', 504],
  ])('%s applies a send, then answers HTTP %i without JSON: a retry is a visible duplicate', async (kind, status) => {
    sb.injectNext(kind, 1, 'send');
    const res = await send('once only');
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).not.toMatch(/json/);
    expect(typeof res.data).toBe('string');
    expect(res.data).not.toMatch(/errorCode/);
    expect(lastRecord()).toMatchObject({ fault: kind, applied: true, response: { status } });
    expect(sb.sent).toHaveLength(1);
    const key = deliveryKey(textMessage('once only'));
    expect(sb.deliveries.get(key)).toBe(1);

    // a client that retries (new thirdTraceId) delivers the same message twice
    const retry = await send('once only');
    expect(retry.data.errorCode).toBe(0);
    expect(sb.sent).toHaveLength(2);
    expect(sb.deliveries.get(key)).toBe(2);
    expect(sb.recipientDeliveries.get('1000')).toBe(2);
  });

  test.each([
    ['http502AfterApply', 502],
    ['http504AfterApply', 504],
  ])('%s applies a revoke, then answers HTTP %i; the retry meets "already revoked"', async (kind, status) => {
    sb.seedMessages(SERVICE, ['g1']);
    sb.injectNext(kind, 1, 'revoke');
    const res = await call('/cgi/app/message/revoke', revokeBody('g1'), { token });
    expect(res.status).toBe(status);
    expect(typeof res.data).toBe('string');
    expect(lastRecord()).toMatchObject({ fault: kind, applied: true, response: { status } });
    expect(sb.messages.get('g1')).toMatchObject({ revoked: true, revokedCount: 1, revokeAttempts: 1 });
    const retry = await call('/cgi/app/message/revoke', revokeBody('g1'), { token });
    expect(retry.data.errorCode).toBe(CODES.MESSAGE_ALREADY_REVOKED.errorCode);
    expect(sb.messages.get('g1').revokeAttempts).toBe(2);
  });

  test('http502AfterApply on the token endpoint still issues the token', async () => {
    sb.injectNext('http502AfterApply', 1, 'token');
    const res = await post('/oauth2.0/token', tokenBody());
    expect(res.status).toBe(502);
    const record = lastRecord();
    expect(record).toMatchObject({ endpoint: 'token', fault: 'http502AfterApply', applied: true });
    // the token it issued is the one the next call returns (same token before 6600 s)
    const again = await post('/oauth2.0/token', tokenBody());
    expect(tokenIdOf(again.data.accessToken)).toBe(record.tokenId);
  });

  test('nonJson answers an HTML 200 page', async () => {
    sb.injectNext('nonJson');
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.data).toMatch(/<html/);
    expect(lastRecord().applied).toBe(false);
  });

  test('redirectHtml answers 302 to an HTML landing page', async () => {
    sb.injectNext('redirectHtml', 2);
    const raw = await send('x', { maxRedirects: 0 });
    expect(raw.status).toBe(302);
    expect(raw.headers.location).toBe(`${base}/landing`);
    const followed = await send();
    expect(followed.status).toBe(200);
    expect(followed.headers['content-type']).toMatch(/text\/html/);
    expect(sb.requests.map((r) => r.path)).toEqual(['/oauth2.0/token', '/cgi/message/send', '/cgi/message/send', '/landing']);
    expect(sb.deliveries.size).toBe(0);
  });

  test('the token endpoint is only faulted when named', async () => {
    sb.injectNext('busy');
    expect((await post('/oauth2.0/token', tokenBody())).data.errorCode).toBe(0);
    expect((await send()).data.errorCode).toBe(-1);

    sb.injectNext('http502', 1, 'token');
    expect((await post('/oauth2.0/token', tokenBody())).status).toBe(502);
    sb.injectFaults({ rate: 1, kinds: ['busy'], endpoints: ['token'] });
    expect((await post('/oauth2.0/token', tokenBody())).data).toMatchObject({ errorCode: -1, error: expect.any(String) });
    expect((await send()).data.errorCode).toBe(0);
  });

  test('random faults are repeatable for a seed and limited to the named endpoints', async () => {
    const run = async () => {
      sb.reset();
      const t = await getToken();
      sb.injectFaults({ rate: 0.5, kinds: ['busy', 'http503', 'nonJson'], seed: 42, endpoints: ['send'] });
      for (let i = 0; i < 20; i++) await call('/cgi/message/send', textMessage(`m${i}`), { token: t });
      return sb.requests.filter((r) => r.endpoint === 'send').map((r) => r.fault);
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(3);
    expect(first.filter((f) => f === null).length).toBeGreaterThan(3);
    sb.clearFaults();
    expect((await call('/cgi/message/send', textMessage('after'))).data.errorCode).toBe(0);
  });

  test('every fault name is covered and unknown names are refused', () => {
    expect([...FAULT_NAMES].sort()).toEqual(
      [
        'tokenExpired', 'error20016', 'rateLimit14001', 'rateLimit30004', 'busy', 'serviceTimeout50009', 'quotaDaily30002',
        'quotaNone30003', 'http500', 'http502', 'http503', 'http429', 'resetBeforeReply', 'resetAfterApply', 'slowReply',
        'truncatedJson', 'nonJson', 'redirectHtml', 'http502AfterApply', 'http504AfterApply',
      ].sort(),
    );
    expect(() => sb.injectNext('meteorStrike')).toThrow(/unknown fault/);
    expect(() => sb.injectFaults({ rate: 2, kinds: ['busy'] })).toThrow();
  });
});

// ---------------------------------------------------------------- lifecycle

describe('lifecycle', () => {
  test('close() resolves promptly with keep-alive sockets and a pending slowReply', async () => {
    await start();
    const agent = new http.Agent({ keepAlive: true });
    const token = (await post('/oauth2.0/token', tokenBody(), { httpAgent: agent })).data.accessToken;
    sb.injectNext('slowReply'); // 30 s default
    const pending = post('/cgi/message/send', textMessage(), { headers: authHeaders(token), httpAgent: agent }).catch((e) => e);
    while (sb.requests.length < 2 || !sb.requests[1].fault) await new Promise((r) => setTimeout(r, 10));

    const started = Date.now();
    await sb.close();
    // well before the 30 s the pending reply would take: close() does not wait for it
    expect(Date.now() - started).toBeLessThan(15_000);
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(Error);
    agent.destroy();
  });

  test('reset() clears state but keeps configured apps and options', async () => {
    const other = { appId: 'FSAID_other', appSecret: 's2', permanentCode: 'p2', ea: 'other_ea' };
    await start({ apps: [other], returnMessageId: true });
    await post('/oauth2.0/token', tokenBody(other));
    sb.seedMessages(SERVICE, ['x']);
    sb.advanceTime(10);
    sb.reset();
    expect(sb.requests).toHaveLength(0);
    expect(sb.messages.size).toBe(0);
    expect(sb.tokens.size).toBe(0);
    expect(sb.stats).toEqual({
      tokenCalls: 0,
      tokenCallsConcurrentMax: 0,
      concurrentTokenCalls: 0,
      byEndpoint: {},
      rateLimited: {},
      tokensIssued: 0,
      tokensUsedUp: 0,
      tokenUsedUpRejections: 0,
    });
    expect((await post('/oauth2.0/token', tokenBody(other))).data.errorCode).toBe(0);
    expect((await post('/oauth2.0/token', tokenBody())).data.errorCode).toBe(20006);
    expect(sb.options.returnMessageId).toBe(true);
  });

  test('cli starts, serves the demo data, never prints secrets, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'sandbox', 'cli.js'), '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      // (the startup lines may come in several chunks: wait for the last one)
      while (!output.includes('Press Ctrl+C to stop.')) {
        if (child.exitCode !== null) throw new Error(output);
        await new Promise((r) => setTimeout(r, 20));
      }
      base = /listening on (http:\/\/\S+)/.exec(output)[1];
      expect(output).toContain(DEMO.appId);
      expect(output).toContain('sandbox/demo-app.js');

      const tokenRes = await post('/oauth2.0/token', tokenBody());
      const accessToken = tokenRes.data.accessToken;
      const revoke = await post('/cgi/app/message/revoke', revokeBody('msg-1000'), { headers: authHeaders(accessToken) });
      expect(revoke.data.errorCode).toBe(0);
      const unknown = await post('/cgi/app/message/revoke', revokeBody('msg-1001'), { headers: authHeaders(accessToken) });
      expect(unknown.data.errorCode).toBe(CODES.MESSAGE_NOT_FOUND.errorCode);

      await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      for (const secret of [DEMO.appSecret, DEMO.permanentCode, accessToken]) expect(output).not.toContain(secret);
      expect(output).toMatch(/revoke -> 200 errorCode=0/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
