'use strict';
/**
 * A tiny reverse proxy that serves the sandbox under a path prefix, the way a private Fxiaoke
 * deployment may sit behind a gateway (`https://gw.example.com/fxiaoke/oauth2.0/token`). The
 * sandbox itself serves no prefix. Requests under the prefix are forwarded with the prefix
 * stripped, bytes untouched; anything else gets a 404 HTML page (as a wrong path would).
 * A reset or a missing reply upstream becomes a reset here, so faults pass through unchanged.
 */
const http = require('node:http');

/**
 * @param {{ target: string, prefix: string }} opts  target: the sandbox base URL; prefix: e.g. '/fxiaoke/gw'
 */
function createPrefixProxy({ target, prefix }) {
	const upstream = new URL(target);
	const clean = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
	/** @type {Array<{ method: string, path: string, forwardedPath: string | null }>} */
	const seen = [];
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		const url = req.url || '/';
		const under = url === clean || url.startsWith(`${clean}/`) || url.startsWith(`${clean}?`);
		const forwardedPath = under ? url.slice(clean.length) || '/' : null;
		seen.push({ method: req.method || '', path: url, forwardedPath });
		if (forwardedPath === null) {
			req.resume();
			res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
			res.end('<!DOCTYPE html><html><body><h1>404</h1><p>gateway: no route</p></body></html>');
			return;
		}
		const headers = { ...req.headers, host: upstream.host };
		const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: forwardedPath, headers }, (answer) => {
			res.writeHead(answer.statusCode || 502, answer.headers);
			answer.pipe(res);
			answer.on('aborted', () => res.destroy());
			answer.on('error', () => res.destroy());
		});
		out.on('error', () => req.socket.destroy());
		// the client gave up (its timeout): give up upstream too, so the sandbox sees it
		res.on('close', () => {
			if (!res.writableFinished) out.destroy();
		});
		req.pipe(out);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return {
		seen,
		/** @returns {Promise<string>} the proxy's base URL including the prefix */
		listen() {
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(0, '127.0.0.1', () => {
					const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
					resolve(`http://127.0.0.1:${port}${clean}`);
				});
			});
		},
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

module.exports = { createPrefixProxy };
