'use strict';
/**
 * Fxiaoke pushing through an APL function (API.md §14.2): the sandbox runs the function the Fxiaoke
 * Webhook Trigger generates, as Fxiaoke would in a workflow on a record. Not a Groovy interpreter:
 * it reads the lines the generator writes (the URL, the secret, the header name, the body) and
 * refuses any other shape, then makes the request `Fx.http.post(url, headers, body)` makes: a JSON
 * body, a 2 s connect timeout retried up to 3 times, a 5 s read timeout not retried.
 */
const http = require('node:http');
const https = require('node:https');

const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
const LINES = {
  url: new RegExp(`^String url = ${STRING}$`, 'm'),
  secret: new RegExp(`^String secret = ${STRING}$`, 'm'),
  headers: new RegExp(`^Map headers = \\["Content-Type": "application/json", ${STRING}: secret\\]$`, 'm'),
  body: /^Map body = \["objectApiName": context\.data\["object_describe_api_name"\], "data": context\.data\]$/m,
  post: /^def \(Boolean error, HttpResult result, String message\) = Fx\.http\.post\(url, headers, body\)$/m,
};

/**
 * The request the function makes.
 * @param {string} text the function as generated (with the secret filled in)
 * @returns {{ url: string, headers: Record<string, string> }}
 */
function parseAplFunction(text) {
  const found = Object.fromEntries(Object.entries(LINES).map(([name, re]) => [name, re.exec(text)]));
  const missing = Object.keys(LINES).filter((name) => found[name] === null);
  if (missing.length > 0) throw new Error(`not the generated APL function: no ${missing.join(', ')} line`);
  const value = (/** @type {RegExpExecArray} */ m) => JSON.parse(`"${m[1]}"`);
  return { url: value(found.url), headers: { 'Content-Type': 'application/json', [value(found.headers)]: value(found.secret) } };
}

/**
 * Runs the function for one record (context.data): what `Fx.http.post` returns.
 * @param {string} text @param {Record<string, unknown>} record
 * @param {{ connectTimeoutMs?: number, readTimeoutMs?: number, connectRetries?: number }} [limits]
 * @returns {Promise<{ error: boolean, statusCode: number | null, content: string, message: string }>}
 */
async function runAplFunction(text, record, { connectTimeoutMs = 2000, readTimeoutMs = 5000, connectRetries = 3 } = {}) {
  const { url, headers } = parseAplFunction(text);
  const body = JSON.stringify({ objectApiName: record.object_describe_api_name, data: record });
  for (let attempt = 0; ; attempt++) {
    try {
      return await post(url, headers, body, connectTimeoutMs, readTimeoutMs);
    } catch (/** @type {any} */ e) {
      if (e.phase !== 'connect' || attempt >= connectRetries) return { error: true, statusCode: null, content: '', message: e.message };
    }
  }
}

/** @returns {Promise<{ error: boolean, statusCode: number, content: string, message: string }>} */
function post(url, headers, body, connectTimeoutMs, readTimeoutMs) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let content = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (content += c));
      res.on('end', () => resolve({ error: false, statusCode: res.statusCode ?? 0, content, message: '' }));
    });
    const connect = setTimeout(() => req.destroy(Object.assign(new Error('connect timed out'), { phase: 'connect' })), connectTimeoutMs);
    req.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connect));
      else clearTimeout(connect); // a kept-alive connection
    });
    req.setTimeout(readTimeoutMs, () => req.destroy(Object.assign(new Error('read timed out'), { phase: 'read' })));
    req.on('error', (e) => {
      clearTimeout(connect);
      reject(Object.assign(e, { phase: /** @type {any} */ (e).phase ?? (/** @type {any} */ (e).code === 'ECONNREFUSED' ? 'connect' : 'read') }));
    });
    req.end(body);
  });
}

module.exports = { parseAplFunction, runAplFunction };
