'use strict';
/**
 * The sandbox's control endpoints for Fxiaoke pushing (API.md §14), so that a test, a benchmark or a
 * person trying the package (`curl`) can make "Fxiaoke" push a record the sandbox holds:
 *
 *   POST /sandbox/push/apl       {objectApiName, recordId, functionUrl | functionText, secret?}
 *   POST /sandbox/push/callback  {objectApiName, recordId, url, aesKey, eventType?, retries?}
 *   POST /sandbox/change         {objectApiName, recordId, fields}
 *
 * APL: the function text (given, or read from the Fxiaoke Webhook Trigger's URL, which shows it on
 * GET), with `secret` put in its secret line, run for the record as Fxiaoke's workflow would
 * (sandbox/apl.js: connect timeouts retried 3 times, no retry after the request went out).
 * Callback: the encrypted, signed callback, sent again with `retryTimes` 1, 2, … (same messageId)
 * while the answer is not the encrypted "success", up to `retries` (default 3) times, as Fxiaoke's
 * demo describes its retries. Both answer what happened, attempt by attempt.
 * Change: a record changed as a person would in Fxiaoke's web app (values in Fxiaoke's formats,
 * checked as on update), so that a polling trigger has something to find: answers the record.
 */
const http = require('node:http');

const { runAplFunction } = require('./apl');
const { callbackBody, isSuccessAnswer, postCallback } = require('./callback');

const PATHS = { apl: '/sandbox/push/apl', callback: '/sandbox/push/callback', change: '/sandbox/change' };

/** @param {string} pathname */
const isPushPath = (pathname) => Object.values(PATHS).includes(pathname);

/**
 * A GET of a URL, its body as text.
 * @param {string} url @returns {Promise<{ status: number, text: string }>}
 */
function getText(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(url), (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
}

class BadRequest extends Error {}

/** @param {Record<string, unknown>} body @param {string} name */
function text(body, name) {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${name} is required (text)`);
  return value;
}

/**
 * Handles one control request.
 * @param {{ crm: import('./crm').CrmStore }} sandbox
 * @param {string} pathname
 * @param {unknown} body the parsed JSON body
 * @returns {Promise<{ status: number, json: unknown }>}
 */
async function handlePush(sandbox, pathname, body) {
  try {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the body must be a JSON object');
    const fields = /** @type {Record<string, unknown>} */ (body);
    const objectApiName = text(fields, 'objectApiName');
    const recordId = text(fields, 'recordId');
    const object = sandbox.crm.objects.get(objectApiName);
    const record = object?.records.get(recordId);
    if (!record) throw new BadRequest(`no ${objectApiName} record ${recordId} in the sandbox`);
    if (pathname === PATHS.change) return change(sandbox, objectApiName, recordId, fields.fields);
    return pathname === PATHS.apl ? await pushApl(fields, { ...record }) : await pushCallback(fields, objectApiName, recordId);
  } catch (e) {
    if (e instanceof BadRequest) return { status: 400, json: { error: e.message } };
    throw e;
  }
}

/** @param {{ crm: import('./crm').CrmStore }} sandbox @param {string} apiName @param {string} id @param {unknown} values */
function change(sandbox, apiName, id, values) {
  if (values === null || typeof values !== 'object' || Array.isArray(values) || Object.keys(values).length === 0) throw new BadRequest('fields is required: an object of field values, e.g. {"account_level": "1"}');
  try {
    sandbox.crm.change(apiName, id, /** @type {Record<string, any>} */ (values));
  } catch (e) {
    throw new BadRequest(/** @type {Error} */ (e).message);
  }
  return { status: 200, json: { record: sandbox.crm.objects.get(apiName)?.records.get(id) } };
}

/** @param {Record<string, unknown>} fields @param {Record<string, unknown>} record */
async function pushApl(fields, record) {
  let functionText = typeof fields.functionText === 'string' ? fields.functionText : undefined;
  if (functionText === undefined) {
    const shown = await getText(text(fields, 'functionUrl'));
    if (shown.status !== 200) throw new BadRequest(`functionUrl answered HTTP ${shown.status}, not the function (is the workflow published?)`);
    functionText = shown.text;
  }
  if (fields.secret !== undefined) functionText = functionText.replace(/^String secret = .*$/m, `String secret = ${JSON.stringify(String(fields.secret))}`);
  try {
    return { status: 200, json: await runAplFunction(functionText, record) };
  } catch (e) {
    throw new BadRequest(/** @type {Error} */ (e).message);
  }
}

/** @param {Record<string, unknown>} fields @param {string} apiName @param {string} dataId */
async function pushCallback(fields, apiName, dataId) {
  const url = text(fields, 'url');
  const aesKey = text(fields, 'aesKey');
  const retries = fields.retries === undefined ? 3 : Number(fields.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new BadRequest('retries must be a whole number from 0 to 10');
  const event = { apiName, dataId, eventType: typeof fields.eventType === 'string' ? fields.eventType : 'update' };
  const first = callbackBody(aesKey, event);
  const attempts = [];
  for (let retryTimes = 0; retryTimes <= retries; retryTimes++) {
    const sent = retryTimes === 0 ? first : callbackBody(aesKey, { ...event, messageId: String(first.messageId) }, { retryTimes });
    const answer = await postCallback(url, sent).catch((/** @type {Error} */ e) => ({ status: 0, json: null, error: e.message }));
    let success = false;
    try {
      success = isSuccessAnswer(answer.json, aesKey);
    } catch {
      // an answer that does not decrypt is no success
    }
    attempts.push({ retryTimes, status: answer.status, success });
    if (success) break;
  }
  return { status: 200, json: { messageId: first.messageId, attempts } };
}

module.exports = { handlePush, isPushPath, PUSH_PATHS: PATHS };
