'use strict';
/**
 * Fxiaoke's event callback (API.md §14.3, from Fxiaoke's 2020 demo): the sandbox posts a change the
 * way the admin console's "Event Callback Settings" would make Fxiaoke post it: the event encrypted
 * with AES-CBC (the key's first 16 bytes as IV), signed with the hex SHA-1 of the fields and the
 * key's Base64 text; `retryTimes` only on a retry. It also checks the answer as Fxiaoke would read it.
 */
const crypto = require('node:crypto');
const http = require('node:http');

/** @param {string} aesKey Base64 */
const keyOf = (aesKey) => Buffer.from(aesKey, 'base64');
const algorithm = (/** @type {Buffer} */ key) => `aes-${key.length * 8}-cbc`;
const sha1 = (/** @type {string} */ text) => crypto.createHash('sha1').update(text, 'utf8').digest('hex');

/** @param {string} text @param {string} aesKey */
function encrypt(text, aesKey) {
  const key = keyOf(aesKey);
  const cipher = crypto.createCipheriv(algorithm(key), key, key.subarray(0, 16));
  return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

/** @param {string} encrypted @param {string} aesKey */
function decrypt(encrypted, aesKey) {
  const key = keyOf(aesKey);
  const decipher = crypto.createDecipheriv(algorithm(key), key, key.subarray(0, 16));
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]).toString('utf8');
}

/**
 * The callback body for one event.
 * @param {string} aesKey
 * @param {{ apiName: string, dataId: string, eventType?: string, messageId?: string, tenantId?: number }} event
 * @param {{ enterpriseAccount?: string, timestamp?: number, nonce?: string, retryTimes?: number }} [at]
 */
function callbackBody(aesKey, event, { enterpriseAccount = 'sandbox', timestamp = Date.now(), nonce = crypto.randomBytes(8).toString('hex'), retryTimes } = {}) {
  const messageId = event.messageId ?? crypto.randomBytes(16).toString('hex').toUpperCase();
  const content = { tenantId: event.tenantId ?? 1, eventType: event.eventType ?? 'update', apiName: event.apiName, dataId: event.dataId, timestamp, messageId };
  const encryptedContent = encrypt(JSON.stringify(content), aesKey);
  const signed = [timestamp, nonce, messageId, retryTimes, enterpriseAccount, encryptedContent, aesKey].filter((p) => p !== undefined).join('');
  /** @type {Record<string, unknown>} */
  const body = { signature: sha1(signed), timestamp, nonce, messageId, enterpriseAccount, encryptedContent };
  if (retryTimes !== undefined) body.retryTimes = retryTimes;
  return body;
}

/**
 * Whether an answer is the one Fxiaoke's demo gives: `encryptedResult` decrypts to "success" and
 * the signature is SHA-1(timestamp + nonce + encryptedResult + key).
 * @param {any} answer @param {string} aesKey
 */
function isSuccessAnswer(answer, aesKey) {
  if (!answer || typeof answer.encryptedResult !== 'string') return false;
  const signed = sha1(`${answer.timestamp}${answer.nonce}${answer.encryptedResult}${aesKey}`);
  return signed === answer.signature && decrypt(answer.encryptedResult, aesKey) === 'success';
}

/**
 * Posts a callback body to a URL.
 * @param {string} url @param {Record<string, unknown>} body
 * @returns {Promise<{ status: number, json: any }>}
 */
function postCallback(url, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(new URL(url), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: kept as null
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

module.exports = { callbackBody, decrypt, encrypt, isSuccessAnswer, postCallback };
