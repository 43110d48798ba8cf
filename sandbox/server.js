'use strict';

/**
 * A local, in-memory Fxiaoke OpenAPI server for tests, benchmarks and demos.
 * Behaviour follows /work/shared/fxiaoke/API.md; where the docs are unsure it is strict.
 * See sandbox/README.md for usage.
 */

const http = require('node:http');
const crypto = require('node:crypto');
const { CODES, problem } = require('./codes');
const DEMO_APP = require('./demo-app');
const { boundaryOf, parseMultipart } = require('./multipart');
const { validateRevoke, validateSend } = require('./validate');
const { FAULTS, FaultPlan } = require('./faults');
const { CrmStore } = require('./crm');
const { handlePush, isPushPath } = require('./push');
const { APPROVAL_ROUTES } = require('./approval');
const { Functions } = require('./functions');
const { SAMPLE_FILES } = require('./sample-files');
const { MAX_FILE_BYTES } = require('./files');

const ROUTES = Object.freeze({
  '/oauth2.0/token': 'token',
  '/cgi/app/message/revoke': 'revoke',
  '/cgi/message/send': 'send',
  '/cgi/app/message/send': 'appSend',
  '/media/upload/message': 'upload',
  '/cgi/crm/v2/object/list': 'crm.list',
  '/cgi/crm/v2/object/describe': 'crm.describe',
  '/cgi/crm/v2/object/lock': 'crm.lock',
  '/cgi/crm/v2/object/unlock': 'crm.unlock',
  '/cgi/crm/team/add': 'crm.teamAdd',
  '/cgi/crm/team/edit': 'crm.teamEdit',
  '/cgi/crm/team/delete': 'crm.teamDelete',
  '/cgi/crm/v2/special/function': 'function.call',
  // Stage pusher and pools (sandbox/stages.js, sandbox/pools.js, API.md §16).
  '/cgi/crm/v2/special/getInstanceInfoByObjectId': 'crm.stageInstance',
  '/cgi/crm/v2/instance/triggerByRule': 'crm.stageTrigger',
  '/cgi/crm/v2/special/stageMoveTo': 'crm.stageMove',
  '/cgi/crm/v2/data/return': 'crm.return',
  '/cgi/crm/v2/data/choose': 'crm.choose',
  // Files (sandbox/files.js, API.md §16): the two OpenAPI calls; the file service is FS_ROUTES.
  '/cgi/crm/v2/generatorFileUploadCredential': 'file.credential',
  '/cgi/crm/v2/generateDownloadSignatureUrlByAuth': 'file.downloadUrl',
  // Address book (sandbox/directory.js, API.md §13); the last three are the deprecated "Offline API".
  '/cgi/user/simpleList': 'user.simpleList',
  '/cgi/user/list': 'user.list',
  '/cgi/user/getByMobile': 'user.getByMobile',
  '/cgi/user/get': 'user.get',
  '/cgi/department/list': 'department.list',
});
/** CRM data calls: preset objects under /cgi/crm/v2/data, custom ones under /cgi/crm/custom/v2/data. */
const CRM_DATA = /^\/cgi\/crm\/(custom\/)?v2\/data\/(create|get|query|update|invalid|delete|changeOwner|recover)$/;
const CUSTOM_INVALID_PATH = '/cgi/crm/custom/data/invalid';
/** The file service (sandbox/files.js): not OpenAPI calls (no token, no thirdTraceId, its own envelope). */
const FS_ROUTES = Object.freeze({ 'POST /fs/upload': 'fs.upload', 'GET /fs/download': 'fs.download' });

/** @param {string} pathname */
function routeOf(pathname) {
  if (ROUTES[pathname]) return ROUTES[pathname];
  if (APPROVAL_ROUTES[pathname]) return APPROVAL_ROUTES[pathname];
  const m = CRM_DATA.exec(pathname);
  if (m) return `crm${m[1] ? '.custom' : ''}.${m[2]}`;
  return pathname === CUSTOM_INVALID_PATH ? 'crm.custom.invalid' : undefined;
}
const LANDING_PATH = '/landing';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const MAX_JSON_BYTES = 8 * 1024 * 1024;
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/**
 * @typedef {object} App
 * @property {string} appId
 * @property {string} appSecret
 * @property {string} permanentCode
 * @property {string} ea
 * @property {string} [serviceId]  service account used for messages sent via /cgi/message/send
 *
 * @typedef {object} SandboxOptions
 * @property {App[]} [apps]                      default [demo app]
 * @property {number} [tokenLifetimeSeconds]     7200
 * @property {number} [tokenReissueAfterSeconds] 6600: before this age the same token is returned
 * @property {number} [tokenDelayMs]             0: latency of the token endpoint
 * @property {number|null} [tokenMaxUses]        null: unlimited. N: a token dies after N business calls
 *   that passed the token check (counted over all clients); later calls with it get 20016 and the
 *   next token call issues a new token
 * @property {number} [latencyMs]                0: latency of business endpoints
 * @property {null|{limit: number, windowMs: number, errorCode?: number, endpoints?: string[], code?: import('./codes').CodeEntry}} [rateLimit]
 *   fixed-window limit per endpoint; `code` is filled in from `errorCode`
 * @property {'error'|'accept'} [unknownMessages] 'error': revoking an unknown messageId fails
 * @property {boolean} [returnMessageId]         false: send responses carry no messageId (as documented)
 * @property {number} [maxUploadBytes]           5 MiB
 * @property {boolean} [personnelPermission]     true. false: the app lacks PersonnelObj's data permission
 *   (API.md §13): PersonnelObj queries succeed with no rows; /cgi/user/* still answer
 * @property {boolean} [personnelOtherDepartments] true: PersonnelObj has `vice_departments` (an employee's
 *   departments other than the main one; the field's name is not in API.md). false: it has only
 *   `main_department`, the other shape a tenant may have
 * @property {number} [crmMaxOffset]            10000: the deepest offset a CRM query answers (Fxiaoke's limit,
 *   API.md §12); tests lower it so that paging past it takes hundreds of records, not tens of thousands
 * @property {(record: RequestRecord) => void} [onRecord] called when a request is finished (replied or dropped)
 *
 * @typedef {object} RequestRecord
 * @property {number} seq
 * @property {string} endpoint   token | revoke | send | appSend | upload | other
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {Record<string, string|string[]|undefined>} headers
 * @property {'ok'|'missing'|'invalid'|'duplicate'|null} thirdTraceIdStatus  null for 'other'
 * @property {any} body         parsed JSON, or {fields, files} for multipart
 * @property {string|null} rawBody  UTF-8 text of a non-multipart body
 * @property {string|null} fault
 * @property {boolean} faultDecided   the fault plan was asked about this request (it got that far)
 * @property {string|null} tokenId  short fingerprint (sha256, 12 hex) of the bearer token presented, never the token;
 *   on the token endpoint, of the token issued; null when none
 * @property {boolean} rateLimited  rejected by the `rateLimit` option
 * @property {boolean} applied   whether the operation changed state
 * @property {null|{status: number, body: any}} response  null when the socket was destroyed
 * @property {number} startedAt
 * @property {number|null} endedAt
 * @property {string} [error]    stack of an unexpected sandbox exception (answered with HTTP 500)
 */

/** @type {SandboxOptions} */
const DEFAULTS = Object.freeze({
  apps: [DEMO_APP],
  tokenLifetimeSeconds: 7200,
  tokenReissueAfterSeconds: 6600,
  tokenDelayMs: 0,
  tokenMaxUses: null,
  latencyMs: 0,
  rateLimit: null,
  unknownMessages: 'error',
  returnMessageId: false,
  maxUploadBytes: 5 * 1024 * 1024,
  personnelPermission: true,
  personnelOtherDepartments: true,
  crmMaxOffset: 10000,
  onRecord: null,
});

const IMAGE_SIGNATURES = [
  { contentType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { contentType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { contentType: 'image/gif', bytes: [...Buffer.from('GIF87a')] },
  { contentType: 'image/gif', bytes: [...Buffer.from('GIF89a')] },
  { contentType: 'image/bmp', bytes: [0x42, 0x4d] },
];

/** @param {Buffer} data @returns {string|null} */
function detectImageType(data) {
  const hit = IMAGE_SIGNATURES.find((s) => s.bytes.every((b, i) => data[i] === b));
  return hit ? hit.contentType : null;
}

/** JSON with sorted object keys, so equal contents give equal delivery keys. */
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Key of the `deliveries` map for a send body: canonical JSON of `{msgType, <msgType>: content}`
 * (no toUser, no serviceId), e.g. `{"msgType":"text","text":{"content":"hi"}}`.
 */
function deliveryKey(body) {
  return canonicalJson({ msgType: body.msgType, [body.msgType]: body[body.msgType] });
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
/** Short, stable fingerprint of a token value for records and tests; the token itself is never stored there. */
const tokenIdOf = (token) => sha256(`fxiaoke-sandbox-token\n${token}`).slice(0, 12);
const mediaTypeOf = (contentType) => String(contentType || '').split(';')[0].trim().toLowerCase();
const htmlPage = (title, text) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

function codeByNumber(errorCode) {
  const entry = Object.values(CODES).find((c) => c.errorCode === errorCode);
  if (!entry) throw new TypeError(`errorCode ${errorCode} is not in sandbox/codes.js`);
  return entry;
}

/**
 * Read the whole body. Bytes beyond `limit` are drained and dropped (tooLarge) so the client
 * still gets an answer.
 */
function readBody(req, limit) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ buffer: size > limit ? Buffer.alloc(0) : Buffer.concat(chunks), size, tooLarge: size > limit, aborted: false }));
    req.on('error', () => resolve({ buffer: Buffer.alloc(0), size, tooLarge: false, aborted: true }));
    req.on('close', () => {
      if (!req.complete) resolve({ buffer: Buffer.alloc(0), size, tooLarge: false, aborted: true });
    });
  });
}

function normalizeOptions(options) {
  const merged = { ...options };
  if (merged.unknownMessages !== undefined && !['error', 'accept'].includes(merged.unknownMessages)) {
    throw new TypeError("unknownMessages must be 'error' or 'accept'");
  }
  if (merged.tokenMaxUses !== undefined && merged.tokenMaxUses !== null && !(Number.isInteger(merged.tokenMaxUses) && merged.tokenMaxUses >= 1)) {
    throw new TypeError('tokenMaxUses must be null or an integer >= 1');
  }
  if (merged.crmMaxOffset !== undefined && !(Number.isInteger(merged.crmMaxOffset) && merged.crmMaxOffset >= 0)) {
    throw new TypeError('crmMaxOffset must be a non-negative integer');
  }
  for (const name of ['personnelPermission', 'personnelOtherDepartments']) {
    if (merged[name] !== undefined && typeof merged[name] !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  }
  if (merged.rateLimit) {
    const { limit, windowMs, errorCode = 14001 } = merged.rateLimit;
    if (!(limit >= 0) || !(windowMs > 0)) throw new TypeError('rateLimit needs limit >= 0 and windowMs > 0');
    merged.rateLimit = { ...merged.rateLimit, errorCode, code: codeByNumber(errorCode) };
  }
  if (merged.apps !== undefined) {
    for (const app of merged.apps) {
      for (const key of ['appId', 'appSecret', 'permanentCode', 'ea']) {
        if (typeof app[key] !== 'string' || app[key] === '') throw new TypeError(`every app needs a string ${key}`);
      }
    }
  }
  return merged;
}

class Sandbox {
  /** @param {SandboxOptions} [options] */
  constructor(options = {}) {
    /** @type {SandboxOptions & typeof DEFAULTS} */
    this.options = { ...DEFAULTS, ...normalizeOptions(options) };
    this.url = null;
    this.closed = false;
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.sockets = new Set();
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    /** Pending delays; close() settles them so no timer outlives the server. */
    this.waits = new Set();
    this.faultPlan = new FaultPlan();
    this.traceCounter = 0; // never reset: every response in the sandbox's life has a unique traceId
    this.tokenInFlight = 0;

    /** @type {RequestRecord[]} */ this.requests = [];
    /** @type {Map<string, {token: string, appId: string, ea: string, issuedAt: number, expiresAt: number, uses: number}>} */
    this.tokens = new Map();
    /** appId -> accessToken currently handed out for it */ this.currentTokens = new Map();
    this.usedTraceIds = new Set();
    /** @type {Map<string, Message>} */
    this.messages = new Map();
    /** delivery key (canonical JSON of {msgType, <content>}) -> times delivered */ this.deliveries = new Map();
    /** recipient id -> messages delivered to it */ this.recipientDeliveries = new Map();
    /** every accepted send, in order */ this.sent = [];
    /** @type {Map<string, {size: number, contentType: string, sha256: string, filename: string|null, declaredContentType: string|null}>} */
    this.media = new Map();
    this.rateWindows = new Map();
    this.stats = freshStats();
    this.reset();
  }

  // ---------------------------------------------------------------- public API

  /** @returns {Promise<string>} base URL */
  listen(port = 0, host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const { port: actual } = /** @type {import('node:net').AddressInfo} */ (this.server.address());
        this.url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
        resolve(this.url);
      });
    });
  }

  /** Stops listening, destroys open (keep-alive) sockets and settles pending delays. */
  close() {
    this.closed = true;
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.resolve();
    }
    this.waits.clear();
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Clears requests, stats, tokens, messages, media, CRM records (and the CRM clock), trace ids, faults
   * and the clock offset, and rebuilds the address book; keeps options.
   */
  reset() {
    this.requests.length = 0;
    this.seq = 0;
    this.offsetMs = 0;
    this.messageCounter = 0;
    for (const map of [this.tokens, this.currentTokens, this.messages, this.deliveries, this.recipientDeliveries, this.media, this.rateWindows]) {
      map.clear();
    }
    this.usedTraceIds.clear();
    this.sent.length = 0;
    this.crm = new CrmStore(() => this.now());
    this.functions = new Functions({ wait: (ms) => this.wait(ms) });
    /** The address book (sandbox/directory.js); the CRM's PersonnelObj / DepartmentObj mirror it. */
    this.directory = this.crm.directory;
    /** Files uploaded to the file service (sandbox/files.js): `get(npath)`, `count`, `put(bytes, meta)`. */
    this.files = this.crm.files;
    Object.assign(this.stats, freshStats());
    this.faultPlan.clear();
  }

  /** @param {Partial<SandboxOptions>} partial */
  configure(partial) {
    Object.assign(this.options, normalizeOptions(partial));
  }

  /** Invalidate every issued token now. */
  expireTokens() {
    this.tokens.clear();
    this.currentTokens.clear();
  }

  /** Move the sandbox clock forward (token ages, rate-limit windows). */
  advanceTime(seconds) {
    this.offsetMs += seconds * 1000;
  }

  /** The sandbox clock in ms. */
  now() {
    return Date.now() + this.offsetMs;
  }

  /** Make messages revocable under `serviceId`. */
  seedMessages(serviceId, messageIds) {
    for (const id of messageIds) this.messages.set(id, newMessage(serviceId, 'seeded'));
  }

  /** @param {import('./faults').FaultSpec} spec */
  injectFaults(spec) {
    this.faultPlan.setRandom(spec);
  }

  /**
   * Force the next `count` requests (of `endpoint`, default any business endpoint) to fail with `kind`.
   * @param {string} kind
   * @param {number} [count]
   * @param {string} [endpoint]
   * @param {{slowMs?: number}} [opts]
   */
  injectNext(kind, count = 1, endpoint = undefined, opts = {}) {
    this.faultPlan.queueNext(kind, count, endpoint, opts.slowMs);
  }

  clearFaults() {
    this.faultPlan.clear();
  }

  // ---------------------------------------------------------------- request pipeline

  async handle(req, res) {
    const url = new URL(req.url || '/', 'http://sandbox.invalid');
    const endpoint = (req.method === 'POST' && routeOf(url.pathname)) || FS_ROUTES[`${req.method} ${url.pathname}`] || 'other';
    const record = this.startRecord(req, url, endpoint);
    res.on('close', () => {
      record.endedAt = Date.now();
      if (this.options.onRecord) this.options.onRecord(record);
    });
    if (endpoint === 'token') this.trackTokenCall(res);

    const limit = endpoint === 'upload' ? this.options.maxUploadBytes + MULTIPART_OVERHEAD_BYTES : endpoint === 'fs.upload' ? MAX_FILE_BYTES + MULTIPART_OVERHEAD_BYTES : MAX_JSON_BYTES;
    const body = await readBody(req, limit);
    if (body.aborted || this.isGone(req)) return;
    if (endpoint === 'other' && req.method === 'POST' && isPushPath(url.pathname)) return this.replyPush(res, record, url, body);
    if (endpoint === 'other') return this.replyOther(res, record, url);
    if (endpoint.startsWith('fs.')) return this.replyFileService({ req, res, url, endpoint, record, body, token: null, app: null });

    const ctx = { req, res, url, endpoint, record, body, token: null, app: null };
    try {
      const fault = this.faultPlan.pick(endpoint);
      record.faultDecided = true;
      record.fault = fault ? fault.kind : null;
      if (fault && FAULTS[fault.kind].stage === 'before') return this.replyBeforeFault(ctx, fault.kind);

      const limited = this.checkRateLimit(endpoint);
      if (limited) {
        record.rateLimited = true;
        this.stats.rateLimited[endpoint] = (this.stats.rateLimited[endpoint] || 0) + 1;
      }
      await this.wait(endpoint === 'token' ? this.options.tokenDelayMs : this.options.latencyMs);
      if (this.isGone(req)) return;
      // (a controller function may answer later: process() then gives a promise)
      const result = limited ? this.errorResult(ctx, limited) : await this.process(ctx);
      record.applied = result.applied;
      if (this.isGone(req)) return;

      if (!fault) return this.sendJson(res, record, 200, result.body);
      return await this.replyAfterFault(ctx, fault, result.body);
    } catch (err) {
      record.error = String(err && err.stack ? err.stack : err);
      if (!this.isGone(req)) this.sendText(res, record, 500, 'text/plain', `sandbox internal error: ${err}`);
    }
  }

  startRecord(req, url, endpoint) {
    /** @type {RequestRecord} */
    const record = {
      seq: ++this.seq,
      endpoint,
      method: req.method || '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      thirdTraceIdStatus: endpoint === 'other' || endpoint.startsWith('fs.') ? null : this.registerTraceId(url.searchParams),
      body: null,
      rawBody: null,
      fault: null,
      faultDecided: false,
      tokenId: tokenIdFromHeader(req.headers.authorization),
      rateLimited: false,
      applied: false,
      response: null,
      startedAt: Date.now(),
      endedAt: null,
    };
    this.requests.push(record);
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] || 0) + 1;
    return record;
  }

  /** Every well-formed thirdTraceId is remembered on arrival, whatever the outcome, so any reuse is caught. */
  registerTraceId(searchParams) {
    const values = searchParams.getAll('thirdTraceId');
    if (values.length === 0 || values[0] === '') return 'missing';
    if (values.length > 1 || !UUID_V4.test(values[0])) return 'invalid';
    if (this.usedTraceIds.has(values[0].toLowerCase())) return 'duplicate';
    this.usedTraceIds.add(values[0].toLowerCase());
    return 'ok';
  }

  trackTokenCall(res) {
    this.stats.tokenCalls += 1;
    if (this.tokenInFlight > 0) this.stats.concurrentTokenCalls += 1;
    this.tokenInFlight += 1;
    this.stats.tokenCallsConcurrentMax = Math.max(this.stats.tokenCallsConcurrentMax, this.tokenInFlight);
    res.on('close', () => {
      this.tokenInFlight -= 1;
    });
  }

  /** Fixed windows on the sandbox clock, one counter per endpoint; over-limit requests count too. */
  checkRateLimit(endpoint) {
    const rl = this.options.rateLimit;
    if (!rl || (rl.endpoints && !rl.endpoints.includes(endpoint))) return null;
    const start = Math.floor(this.now() / rl.windowMs) * rl.windowMs;
    let window = this.rateWindows.get(endpoint);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.rateWindows.set(endpoint, window);
    }
    window.count += 1;
    return window.count > rl.limit ? problem(rl.code, `more than ${rl.limit} calls per ${rl.windowMs} ms on this interface`) : null;
  }

  /** True once a token has served `tokenMaxUses` business calls. */
  usedUp(token) {
    const max = this.options.tokenMaxUses;
    return max !== null && max !== undefined && token.uses >= max;
  }

  /** @returns {{body: object, applied: boolean} | Promise<{body: object, applied: boolean}>} */
  process(ctx) {
    if (ctx.endpoint === 'token') return this.processToken(ctx);
    const found = this.checkCommon(ctx) || (ctx.endpoint === 'upload' ? null : this.checkJsonBody(ctx));
    if (found) return this.errorResult(ctx, found);
    if (ctx.endpoint.startsWith('crm.')) return this.processCrm(ctx);
    if (ctx.endpoint.startsWith('approval.')) return this.processApproval(ctx);
    if (ctx.endpoint === 'function.call') return this.processFunction(ctx);
    if (ctx.endpoint.startsWith('file.')) return this.processFile(ctx);
    if (ctx.endpoint.startsWith('user.') || ctx.endpoint === 'department.list') return this.processDirectory(ctx);
    switch (ctx.endpoint) {
      case 'revoke':
        return this.processRevoke(ctx);
      case 'upload':
        return this.processUpload(ctx);
      default:
        return this.processSend(ctx);
    }
  }

  /** CRM calls (sandbox/crm.js); `crm.custom.*` came by the custom-object path. */
  processCrm(ctx) {
    const parts = ctx.endpoint.split('.');
    const action = parts[parts.length - 1];
    const access = {
      personnelPermission: this.options.personnelPermission,
      personnelOtherDepartments: this.options.personnelOtherDepartments,
      maxOffset: this.options.crmMaxOffset,
    };
    const result = this.crm.handle(action, parts[1] === 'custom', ctx.record.body, String(ctx.req.headers['x-fs-userid'] || ''), access);
    return this.handled(ctx, result);
  }

  /** A controller function (sandbox/functions.js); its postId is remembered. A slow one answers with a promise. */
  processFunction(ctx) {
    const result = this.functions.call(ctx.record.body);
    return result instanceof Promise ? result.then((r) => this.handled(ctx, r)) : this.handled(ctx, result);
  }

  /** The file calls of the OpenAPI (sandbox/files.js): the upload credential and the signed download URL. */
  processFile(ctx) {
    const files = this.crm.files;
    const result = ctx.endpoint === 'file.credential' ? files.credential(ctx.record.body, this.url) : files.downloadUrl(ctx.record.body, this.url);
    return this.handled(ctx, result);
  }

  /**
   * The file service (sandbox/files.js): `POST /fs/upload` answers its own JSON envelope, `GET /fs/download`
   * the bytes. Faults reach the upload only when named (`fs.upload`); the download takes none.
   */
  async replyFileService(ctx) {
    const { req, res, url, endpoint, record, body } = ctx;
    const files = this.crm.files;
    try {
      if (endpoint === 'fs.download') {
        const answer = files.download(url.searchParams);
        if (!('bytes' in answer)) return this.sendJson(res, record, answer.status, answer.json);
        record.response = { status: 200, body: `<${answer.bytes.length} bytes>` };
        res.writeHead(200, { ...answer.headers, 'content-length': answer.bytes.length });
        return res.end(answer.bytes);
      }
      const fault = this.faultPlan.pick(endpoint);
      record.faultDecided = true;
      record.fault = fault ? fault.kind : null;
      if (fault && FAULTS[fault.kind].stage === 'before') return this.replyBeforeFault(ctx, fault.kind);
      await this.wait(this.options.latencyMs);
      if (this.isGone(req)) return;
      record.body = { size: body.size, contentType: req.headers['content-type'] ?? null };
      const answer = files.upload({ query: url.searchParams, headers: req.headers, body });
      record.applied = answer.json.success;
      if (!fault) return this.sendJson(res, record, answer.status, answer.json);
      return await this.replyAfterFault(ctx, fault, answer.json);
    } catch (err) {
      record.error = String(err && err.stack ? err.stack : err);
      if (!this.isGone(req)) this.sendText(res, record, 500, 'text/plain', `sandbox internal error: ${err}`);
    }
  }

  /** Approval calls (sandbox/approval.js). */
  processApproval(ctx) {
    const result = this.crm.approvals.handle(ctx.endpoint, ctx.record.body, String(ctx.req.headers['x-fs-userid'] || ''));
    return this.handled(ctx, result);
  }

  /** Address-book calls (sandbox/directory.js); read-only, so nothing is applied. */
  processDirectory(ctx) {
    return this.handled(ctx, this.directory.handle(ctx.endpoint, ctx.record.body));
  }

  /** The answer to what a store's handler gave: its problem as Fxiaoke's error, else success with its extra fields. */
  handled(ctx, result) {
    if ('problem' in result) return this.errorResult(ctx, result.problem);
    const ok = this.okResult(result.extra);
    ok.applied = result.applied === true;
    return ok;
  }

  // ---------------------------------------------------------------- token endpoint

  processToken(ctx) {
    const found = this.checkTraceId(ctx) || this.checkJsonBody(ctx) || this.checkTokenBody(ctx);
    if (found) return this.errorResult(ctx, found);
    const token = this.issueToken(ctx.app);
    ctx.record.tokenId = tokenIdOf(token.token);
    const now = this.now();
    return {
      applied: true,
      body: {
        openUserId: `FSCID_${sha256(`${ctx.app.appId}/${ctx.app.ea}`).slice(0, 16).toUpperCase()}`,
        accessToken: token.token,
        expiresIn: Math.max(0, Math.ceil((token.expiresAt - now) / 1000)),
        appId: ctx.app.appId,
        ea: ctx.app.ea,
        errorCode: 0,
        errorMessage: 'success',
        errorDescription: 'success',
        traceId: this.nextTraceId(),
      },
    };
  }

  checkTokenBody(ctx) {
    const body = ctx.record.body;
    const filled = (key) => typeof body[key] === 'string' && body[key] !== '';
    if (!filled('appId')) return problem(CODES.MISSING_APP_ID);
    if (!filled('appSecret')) return problem(CODES.MISSING_APP_SECRET);
    if (!filled('permanentCode')) return problem(CODES.MISSING_PERMANENT_CODE);
    if (body.grantType !== 'app_secret') return problem(CODES.PARAMETER_ERROR, 'grantType must be "app_secret"');
    const app = this.options.apps.find((a) => a.appId === body.appId);
    if (!app) return problem(CODES.APP_NOT_FOUND);
    if (app.appSecret !== body.appSecret) return problem(CODES.INVALID_APP_SECRET);
    if (app.permanentCode !== body.permanentCode) return problem(CODES.INVALID_PERMANENT_CODE);
    ctx.app = app;
    return null;
  }

  /** Same token until it is `tokenReissueAfterSeconds` old, then a new one; old tokens live to their own end. */
  issueToken(app) {
    const now = this.now();
    const current = this.tokens.get(this.currentTokens.get(app.appId));
    if (current && !this.usedUp(current) && now - current.issuedAt < this.options.tokenReissueAfterSeconds * 1000 && now < current.expiresAt) {
      return current;
    }
    const token = {
      token: crypto.randomBytes(16).toString('hex').toUpperCase(),
      appId: app.appId,
      ea: app.ea,
      issuedAt: now,
      expiresAt: now + this.options.tokenLifetimeSeconds * 1000,
      uses: 0,
    };
    this.stats.tokensIssued += 1;
    this.tokens.set(token.token, token);
    this.currentTokens.set(app.appId, token.token);
    return token;
  }

  // ---------------------------------------------------------------- common checks

  /** Order follows the probe: authentication is rejected before a missing thirdTraceId. */
  checkCommon(ctx) {
    const { headers } = ctx.req;
    const authorization = headers.authorization;
    if (authorization === undefined || authorization.trim() === '') return problem(CODES.NO_CREDENTIALS);
    const match = /^Bearer (\S+)$/.exec(authorization);
    const token = match && this.tokens.get(match[1]);
    if (!token || this.now() >= token.expiresAt) return problem(CODES.TOKEN_INVALID, 'token unknown or expired');
    if (this.usedUp(token)) {
      this.stats.tokenUsedUpRejections += 1;
      return problem(CODES.TOKEN_INVALID, `token used up (tokenMaxUses ${this.options.tokenMaxUses})`);
    }
    const ea = headers['x-fs-ea'];
    if (!ea) return problem(CODES.TOKEN_INVALID, 'x-fs-ea header is missing');
    if (ea !== token.ea) return problem(CODES.TOKEN_INVALID, 'x-fs-ea does not match the token');
    token.uses += 1;
    if (this.usedUp(token)) this.stats.tokensUsedUp += 1;
    ctx.token = token;
    ctx.app = this.options.apps.find((a) => a.appId === token.appId) || null;
    return (
      this.checkTraceId(ctx) ||
      (typeof headers['x-fs-userid'] === 'string' && headers['x-fs-userid'].trim() !== ''
        ? null
        : problem(CODES.PARAMETER_ERROR, 'x-fs-userid header is required'))
    );
  }

  checkTraceId(ctx) {
    const status = ctx.record.thirdTraceIdStatus;
    if (status === 'ok') return null;
    const detail = {
      missing: 'thirdTraceId query parameter is required',
      invalid: 'thirdTraceId must be one RFC 4122 UUID v4',
      duplicate: 'thirdTraceId was already used; send a new UUID v4 with every request',
    }[status];
    return problem(CODES.PARAMETER_ERROR, detail);
  }

  /** Content-Type application/json and a JSON body; stores the parsed body on the record. */
  checkJsonBody(ctx) {
    const { record, body } = ctx;
    record.rawBody = body.buffer.toString('utf8');
    if (mediaTypeOf(ctx.req.headers['content-type']) !== 'application/json') {
      return problem(CODES.PARAMETER_ERROR, 'Content-Type must be application/json');
    }
    if (body.tooLarge) return problem(CODES.INVALID_PARAMETER, 'body too large');
    if (record.rawBody.trim() === '') return problem(CODES.EMPTY_BODY, 'body is empty');
    try {
      record.body = JSON.parse(record.rawBody);
    } catch {
      return problem(CODES.EMPTY_BODY, 'body is not valid JSON');
    }
    if (!record.body || typeof record.body !== 'object' || Array.isArray(record.body)) {
      return problem(CODES.EMPTY_BODY, 'body must be a JSON object');
    }
    return null;
  }

  // ---------------------------------------------------------------- business endpoints

  processRevoke(ctx) {
    const body = ctx.record.body;
    const invalid = validateRevoke(body);
    if (invalid) return this.errorResult(ctx, invalid);
    let message = this.messages.get(body.messageId);
    if (!message && this.options.unknownMessages === 'accept') {
      message = newMessage(body.serviceId, 'accepted');
      this.messages.set(body.messageId, message);
    }
    if (!message) return this.errorResult(ctx, problem(CODES.MESSAGE_NOT_FOUND));
    message.revokeAttempts += 1;
    if (message.serviceId !== body.serviceId) return this.errorResult(ctx, problem(CODES.SERVICE_MISMATCH));
    if (message.revoked) return this.errorResult(ctx, problem(CODES.MESSAGE_ALREADY_REVOKED));
    message.revoked = true;
    message.revokedCount += 1;
    message.revokedAt = this.now();
    return this.okResult();
  }

  processSend(ctx) {
    const body = ctx.record.body;
    const isAppSend = ctx.endpoint === 'appSend';
    const invalid = validateSend(body, { requireServiceId: isAppSend, mediaExists: (id) => this.media.has(id) });
    if (invalid) return this.errorResult(ctx, invalid);

    const content = { msgType: body.msgType, [body.msgType]: body[body.msgType] };
    const key = deliveryKey(body);
    this.deliveries.set(key, (this.deliveries.get(key) || 0) + 1);
    for (const user of body.toUser) this.recipientDeliveries.set(user, (this.recipientDeliveries.get(user) || 0) + 1);

    const serviceId = isAppSend ? body.serviceId : (ctx.app && ctx.app.serviceId) || null;
    let extra = {};
    if (this.options.returnMessageId) {
      const messageId = `sandbox-msg-${++this.messageCounter}`;
      this.messages.set(messageId, { ...newMessage(serviceId, ctx.endpoint), content, toUser: [...body.toUser] });
      extra = serviceId ? { messageId, serviceId } : { messageId };
    }
    this.sent.push({ seq: ctx.record.seq, endpoint: ctx.endpoint, serviceId, toUser: [...body.toUser], content, key, messageId: extra.messageId || null });
    return this.okResult(extra);
  }

  processUpload(ctx) {
    const { req, record, body } = ctx;
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary) return this.errorResult(ctx, problem(CODES.PARAMETER_ERROR, 'Content-Type must be multipart/form-data with a boundary'));
    const max = this.options.maxUploadBytes;
    if (body.tooLarge) return this.errorResult(ctx, problem(CODES.INVALID_PARAMETER, `file larger than ${max} bytes`));

    let parts;
    try {
      parts = parseMultipart(body.buffer, boundary);
    } catch (err) {
      return this.errorResult(ctx, problem(CODES.INVALID_PARAMETER, `malformed multipart body (${err.message})`));
    }
    record.body = {
      fields: Object.fromEntries(parts.filter((p) => p.filename === null).map((p) => [p.name, p.data.toString('utf8')])),
      files: parts
        .filter((p) => p.filename !== null)
        .map((p) => ({ field: p.name, filename: p.filename, contentType: p.contentType, size: p.data.length, sha256: sha256(p.data) })),
    };

    const file = parts.find((p) => p.name === 'media' && p.filename !== null);
    if (!file) return this.errorResult(ctx, problem(CODES.INVALID_PARAMETER, 'file field "media" is required'));
    if (file.data.length === 0) return this.errorResult(ctx, problem(CODES.INVALID_PARAMETER, 'file is empty'));
    if (file.data.length > max) return this.errorResult(ctx, problem(CODES.INVALID_PARAMETER, `file larger than ${max} bytes`));
    const contentType = detectImageType(file.data);
    if (!contentType) return this.errorResult(ctx, problem(CODES.INVALID_PARAMETER, 'only JPG, PNG, GIF and BMP images are accepted'));

    const mediaId = `sandbox-media-${crypto.randomBytes(12).toString('hex')}`;
    this.media.set(mediaId, {
      size: file.data.length,
      contentType,
      sha256: sha256(file.data),
      filename: file.filename,
      declaredContentType: file.contentType,
    });
    return this.okResult({ mediaId });
  }

  // ---------------------------------------------------------------- replies

  nextTraceId() {
    this.traceCounter += 1;
    return `E-O.sandbox.${this.traceCounter}`;
  }

  okResult(extra = {}) {
    return {
      applied: true,
      body: { traceId: this.nextTraceId(), errorCode: 0, errorMessage: 'OK', errorDescription: 'success', ...extra },
    };
  }

  /**
   * Error envelope; the token endpoint also carries `error`/`error_description` as the probe saw.
   * @param {{endpoint: string}} ctx
   * @param {import('./codes').Problem} found
   */
  errorResult(ctx, { code, detail }) {
    const errorDescription = detail ? `${code.errorDescription}: ${detail}` : code.errorDescription;
    const body = { traceId: this.nextTraceId(), errorCode: code.errorCode, errorMessage: code.errorMessage, errorDescription };
    if (ctx.endpoint === 'token') Object.assign(body, { error: '非法请求', error_description: errorDescription });
    return { applied: false, body };
  }

  /** The control endpoints that make the sandbox push like Fxiaoke (sandbox/push.js). */
  async replyPush(res, record, url, body) {
    let json;
    try {
      json = JSON.parse(body.buffer.toString('utf8'));
    } catch {
      return this.sendJson(res, record, 400, { error: 'the body must be JSON' });
    }
    try {
      const answer = await handlePush(this, url.pathname, json);
      if (!res.destroyed) this.sendJson(res, record, answer.status, answer.json);
    } catch (err) {
      record.error = String(err && err.stack ? err.stack : err);
      if (!res.destroyed) this.sendText(res, record, 500, 'text/plain', `sandbox internal error: ${err}`);
    }
  }

  replyOther(res, record, url) {
    if (url.pathname === '/sandbox/messages') {
      // what was sent, newest first (to see a card and its link while trying a workflow)
      const toUser = url.searchParams.get('toUser');
      const sent = this.sent.filter((s) => toUser === null || s.toUser.includes(toUser)).slice(-50).reverse();
      return this.sendJson(res, record, 200, { messages: sent.map(({ seq, toUser: to, content, messageId }) => ({ seq, toUser: to, content, messageId })) });
    }
    const sample = url.pathname.startsWith('/sandbox/files/') ? SAMPLE_FILES[decodeURIComponent(url.pathname.slice('/sandbox/files/'.length))] : undefined;
    if (sample) {
      return this.sendText(res, record, 200, sample.contentType, sample.bytes, { 'content-disposition': `attachment; filename="${url.pathname.split('/').pop()}"` });
    }
    if (url.pathname === LANDING_PATH) {
      return this.sendText(res, record, 200, 'text/html; charset=utf-8', htmlPage('Fxiaoke', 'Marketing landing page (not an API).'));
    }
    return this.sendText(res, record, 404, 'text/html; charset=utf-8', htmlPage('404 Not Found', 'No such interface.'));
  }

  replyBeforeFault(ctx, kind) {
    const { req, res, record } = ctx;
    const def = FAULTS[kind];
    if (def.expireTokens) this.expireTokens();
    if (def.code) return this.sendJson(res, record, 200, this.errorResult(ctx, problem(CODES[def.code], `injected fault ${kind}`)).body);
    switch (kind) {
      case 'resetBeforeReply':
        return req.socket.destroy();
      case 'nonJson':
        return this.sendText(res, record, 200, 'text/html; charset=utf-8', htmlPage('Service Maintenance', 'Please try again later.'));
      case 'redirectHtml': {
        const location = `http://${req.headers.host}${LANDING_PATH}`;
        return this.sendText(res, record, 302, 'text/html; charset=utf-8', htmlPage('302 Found', 'FS_SRV'), { location });
      }
      case 'http429':
        return this.sendText(res, record, 429, 'text/plain; charset=utf-8', 'Too Many Requests', { 'retry-after': '1' });
      default:
        return this.sendText(res, record, def.status, 'text/html; charset=utf-8', htmlPage(`${def.status} ${http.STATUS_CODES[def.status]}`, 'nginx'));
    }
  }

  async replyAfterFault(ctx, fault, body) {
    const { req, res, record } = ctx;
    switch (fault.kind) {
      case 'resetAfterApply':
        return req.socket.destroy();
      case 'slowReply':
        await this.wait(fault.slowMs);
        if (this.isGone(req)) return;
        return this.sendJson(res, record, 200, body);
      case 'http502AfterApply':
      case 'http504AfterApply': {
        const { status } = FAULTS[fault.kind];
        return this.sendText(res, record, status, 'text/html; charset=utf-8', htmlPage(`${status} ${http.STATUS_CODES[status]}`, 'nginx'));
      }
      case 'truncatedJson': {
        const text = JSON.stringify(body);
        const half = Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) / 2)).toString('utf8');
        return this.sendText(res, record, 200, 'application/json;charset=UTF-8', half);
      }
      default:
        throw new Error(`unhandled fault ${fault.kind}`);
    }
  }

  sendJson(res, record, status, body) {
    record.response = { status, body };
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  sendText(res, record, status, contentType, text, headers = {}) {
    record.response = { status, body: text };
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  /** True once the client hung up or the sandbox closed (req.socket is set even for queued responses). */
  isGone(req) {
    return this.closed || req.socket.destroyed;
  }

  wait(ms) {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, ms),
      };
      this.waits.add(entry);
    });
  }
}

/**
 * @typedef {object} Message
 * @property {string|null} serviceId
 * @property {boolean} revoked
 * @property {number} revokedCount    successful revokes (0 or 1)
 * @property {number} revokeAttempts  revoke calls naming this messageId
 * @property {number|null} revokedAt  sandbox clock (ms)
 * @property {string} origin          'seeded' | 'accepted' | 'send' | 'appSend'
 * @property {any} content            {msgType, <msgType>: ...} for sent messages, else null
 * @property {string[]|null} toUser
 */

/** @returns {Message} */
function newMessage(serviceId, origin) {
  return { serviceId, revoked: false, revokedCount: 0, revokeAttempts: 0, revokedAt: null, origin, content: null, toUser: null };
}

/**
 * @typedef {object} SandboxStats
 * @property {number} tokenCalls              requests to the token endpoint
 * @property {number} tokenCallsConcurrentMax most token calls in flight at once
 * @property {number} concurrentTokenCalls    token calls that started while another was in flight
 * @property {Record<string, number>} byEndpoint requests per endpoint
 * @property {Record<string, number>} rateLimited requests per endpoint rejected by the `rateLimit` option
 * @property {number} tokensIssued            new token values handed out (a re-issued same token does not count)
 * @property {number} tokensUsedUp            tokens that reached `tokenMaxUses`
 * @property {number} tokenUsedUpRejections   business calls answered 20016 because their token was used up
 */

/** @returns {SandboxStats} */
function freshStats() {
  return { tokenCalls: 0, tokenCallsConcurrentMax: 0, concurrentTokenCalls: 0, byEndpoint: {}, rateLimited: {}, tokensIssued: 0, tokensUsedUp: 0, tokenUsedUpRejections: 0 };
}

/** tokenId of a `Bearer <token>` header, or null. @param {string|undefined} authorization */
function tokenIdFromHeader(authorization) {
  const match = /^Bearer (\S+)$/.exec(String(authorization || '').trim());
  return match ? tokenIdOf(match[1]) : null;
}

/**
 * @param {SandboxOptions} [options]
 * @returns {Sandbox}
 */
function createSandbox(options) {
  return new Sandbox(options);
}

module.exports = { createSandbox, Sandbox, deliveryKey, tokenIdOf, ROUTES, DEFAULTS, CODES, DEMO_APP };
