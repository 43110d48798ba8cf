'use strict';
/**
 * Floor A of bench/run.js: the same job as the Revoke node done by a raw keep-alive HTTP loop
 * (node:http, one Agent with keepAlive and `concurrency` sockets): one token call, then N revokes,
 * `concurrency` in flight at once. Runs as its own process (spawned by run.js) so that it does not
 * share an event loop with the sandbox, just as n8n does not.
 *
 *   node bench/lib/raw-loop.js '<json: { baseUrl, app, serviceId, count, concurrency, tag }>'
 *
 * Prints one JSON line: { ms, tokenMs, revokeMs, ok, failed, firstError }.
 * `ms` is measured in this process from just before the token call to the last reply.
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');

const cfg = JSON.parse(process.argv[2]);
const base = new URL(cfg.baseUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });

/** @param {string} path @param {Record<string, string>} headers @param {object} body @returns {Promise<any>} */
function post(path, headers, body) {
	const text = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				agent,
				host: base.hostname,
				port: base.port,
				method: 'POST',
				path: `${base.pathname.replace(/\/+$/, '')}${path}?thirdTraceId=${randomUUID()}`,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers },
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					try {
						resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
					} catch (e) {
						reject(e);
					}
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(text);
	});
}

async function main() {
	const t0 = performance.now();
	const token = await post('/oauth2.0/token', {}, { appId: cfg.app.appId, appSecret: cfg.app.appSecret, permanentCode: cfg.app.permanentCode, grantType: 'app_secret' });
	if (token.errorCode !== 0) throw new Error(`token call failed: ${JSON.stringify(token)}`);
	const t1 = performance.now();
	const headers = { authorization: `Bearer ${token.accessToken}`, 'x-fs-ea': token.ea, 'x-fs-userid': String(cfg.app.userId) };
	let next = 0;
	let ok = 0;
	let failed = 0;
	/** @type {any} */
	let firstError;
	const worker = async () => {
		while (next < cfg.count) {
			const i = next++;
			const answer = await post('/cgi/app/message/revoke', headers, { serviceId: cfg.serviceId, messageId: `${cfg.tag}-${i}` });
			if (answer.errorCode === 0) ok++;
			else {
				failed++;
				if (!firstError) firstError = answer;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(cfg.concurrency, cfg.count) }, worker));
	const t2 = performance.now();
	agent.destroy();
	process.stdout.write(`${JSON.stringify({ ms: t2 - t0, tokenMs: t1 - t0, revokeMs: t2 - t1, ok, failed, firstError })}\n`);
}

main().catch((e) => {
	process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
	process.exit(1);
});
