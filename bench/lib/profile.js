'use strict';
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area of
 * code, optionally only for samples inside a time window (the node's execution, from n8n's run
 * data, mapped onto the profile's monotonic clock with the readings bench/lib/preload.js takes).
 */
const fs = require('node:fs');

/** Areas of code, first match wins. `test` sees the script URL. */
const AREAS = [
	// (The installed package, not the cache folder n8n itself lives in, ~/.cache/n8n-nodes-fxiaoke.)
	{ area: 'our node (n8n-nodes-fxiaoke)', test: (u) => u.includes('/node_modules/n8n-nodes-fxiaoke/') },
	{ area: 'bench nodes', test: (u) => u.includes('/n8n-nodes-fxiaoke-bench/') },
	{ area: '@n8n/backend-network (per-request agents, outbound client)', test: (u) => u.includes('/@n8n/backend-network/') },
	{ area: 'n8n-core request helpers', test: (u) => /n8n-core\/dist\/.*request-helper/.test(u) },
	{ area: 'n8n credentials (CredentialsHelper, decryption)', test: (u) => /n8n\/dist\/credentials|n8n-core\/dist\/(credentials|encryption)|credentials-helper|cipher/.test(u) },
	{ area: 'expressions / parameter resolution (n8n-workflow)', test: (u) => /n8n-workflow\/dist\/.*(expression|workflow-data-proxy|node-helpers|extensions|node-parameters|tournament)|@n8n\/tournament|\/tournament\//.test(u) },
	{ area: 'n8n-workflow (other)', test: (u) => u.includes('/n8n-workflow/') },
	{ area: 'n8n-core execution engine', test: (u) => u.includes('/n8n-core/') },
	{ area: 'n8n cli / db / logging', test: (u) => /\/n8n\/dist\/|@n8n\/db|typeorm|sqlite|winston|@n8n\/backend-common/.test(u) },
	{ area: 'HTTP client libraries (axios, follow-redirects, form-data, proxy agents)', test: (u) => /\/(axios|follow-redirects|form-data|proxy-from-env|https?-proxy-agent|agent-base)\//.test(u) },
	{ area: 'Node core http/net/tls', test: (u) => /^node:(_http|http|https|net|tls|_tls|stream|internal\/(streams|net|http|dns|url)|dns|url|zlib|buffer|events|internal\/(timers|async_hooks|process\/task_queues))/.test(u) },
	{ area: 'Node core (other)', test: (u) => u.startsWith('node:') },
	{ area: 'GC', test: (_u, fn) => fn === '(garbage collector)' },
	{ area: 'idle', test: (_u, fn) => fn === '(idle)' },
	{ area: 'program / native', test: (u, fn) => u === '' },
];

/** @param {string} url @param {string} fn */
function areaOf(url, fn) {
	for (const a of AREAS) if (a.test(url, fn)) return a.area;
	const i = url.lastIndexOf('/node_modules/');
	if (i >= 0) {
		const parts = url.slice(i + '/node_modules/'.length).split('/');
		return `package ${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
	}
	return 'other';
}

/** @param {string} url */
function shortUrl(url) {
	const i = url.lastIndexOf('/node_modules/');
	return i >= 0 ? url.slice(i + '/node_modules/'.length) : url.replace(/^file:\/\//, '');
}

/**
 * @param {string} file a .cpuprofile
 * @param {{ fromUs?: number, toUs?: number, top?: number }} [opts] window on the profile's clock (µs)
 */
function summarise(file, opts = {}) {
	const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
	/** @type {Map<number, any>} */
	const byId = new Map(prof.nodes.map((n) => [n.id, n]));
	/** @type {Map<number, number>} */
	const selfUs = new Map();
	let t = prof.startTime;
	let total = 0;
	for (let i = 0; i < prof.samples.length; i++) {
		t += prof.timeDeltas[i];
		if (opts.fromUs !== undefined && t < opts.fromUs) continue;
		if (opts.toUs !== undefined && t > opts.toUs) continue;
		// the time until the next sample is what this sample stands for
		const dt = i + 1 < prof.timeDeltas.length ? prof.timeDeltas[i + 1] : 0;
		selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) || 0) + dt);
		total += dt;
	}
	/** @type {Map<string, number>} */
	const areas = new Map();
	/** @type {Map<string, { fn: string, where: string, area: string, us: number }>} */
	const fns = new Map();
	for (const [id, us] of selfUs) {
		const n = byId.get(id);
		const { functionName, url, lineNumber } = n.callFrame;
		const fn = functionName || '(anonymous)';
		const area = areaOf(url, fn);
		areas.set(area, (areas.get(area) || 0) + us);
		const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
		const key = `${fn}@${where}`;
		const e = fns.get(key) || { fn, where, area, us: 0 };
		e.us += us;
		fns.set(key, e);
	}
	const busy = total - (areas.get('idle') || 0);
	const top = opts.top || 25;
	return {
		file,
		windowMs: total / 1000,
		busyMs: busy / 1000,
		areas: [...areas.entries()]
			.sort((a, b) => b[1] - a[1])
			.map(([area, us]) => ({ area, ms: round(us / 1000), pctOfBusy: round((100 * us) / (busy || 1)) })),
		functions: [...fns.values()]
			.filter((f) => f.area !== 'idle')
			.sort((a, b) => b.us - a.us)
			.slice(0, top)
			.map((f) => ({ function: f.fn, where: f.where, area: f.area, ms: round(f.us / 1000), pctOfBusy: round((100 * f.us) / (busy || 1)) })),
	};
}

/** @param {number} x */
function round(x) {
	return Math.round(x * 10) / 10;
}

module.exports = { summarise, areaOf };
