'use strict';
/**
 * Renders bench results: the console table, docs/bench.md and docs/bench.svg (hand-written SVG).
 */

const LABELS = {
	fxiaokeAuto: 'Fxiaoke node, Map Automatically',
	fxiaoke: 'Fxiaoke node, expressions (Define Below)',
	http: 'HTTP Request nodes (Token + Revoke)',
	sequential: 'Sequential httpRequest node (reference)',
	concurrent: 'Concurrent httpRequest node, 5 in flight (ref.)',
	noop: 'No-op node, same parameters (floor B)',
	raw: 'Raw keep-alive loop, 5 sockets (floor A)',
};
const ORDER = ['fxiaokeAuto', 'fxiaoke', 'http', 'sequential', 'concurrent', 'noop', 'raw'];

/** @param {number} x @param {number} [d] */
function f(x, d = 2) {
	return Number.isFinite(x) ? x.toFixed(d) : 'n/a';
}

/** @param {boolean} pass */
const pf = (pass) => (pass ? 'PASS' : 'FAIL');

/** Every target with its figures. @param {any} r */
function targets(r) {
	const t = [];
	if (r.part1) {
		const p = r.part1.targets;
		t.push({ name: 'Map Automatically ≤ 0.5 × HTTP Request nodes', short: 'Map Automatically ≤ 0.5 × HTTP Request', value: `${f(p.autoVsHttp.ratio)} ×`, pass: p.autoVsHttp.pass });
		t.push({ name: 'Expressions (Define Below) ≤ 1.1 × minimal node on the same HTTP helper', short: 'expressions ≤ 1.1 × minimal node', value: `${f(p.expressionsVsConcurrent.ratio)} ×`, pass: p.expressionsVsConcurrent.pass });
	}
	if (r.part2) {
		t.push({ name: `Pacing: 0 failed items (${r.part2.fxiaoke.runs.length} runs)`, short: 'pacing: 0 failed', value: `max ${r.part2.fxiaoke.failedMax} failed`, pass: r.part2.targets.noFailures.pass });
		t.push({ name: 'Pacing: node time ≤ 1.1 × N/R × W', short: 'pacing time ≤ 1.1 × N/R×W', value: `${f(r.part2.targets.time.ratio, 3)} ×`, pass: r.part2.targets.time.pass });
	}
	if (r.part3) {
		t.push({ name: `Token calls over ${r.part3.tokenCalls.executions} executions = 1`, short: '1 token call', value: `${r.part3.tokenCalls.fxiaoke}`, pass: r.part3.tokenCalls.pass });
		t.push({ name: `Peak memory, ${r.part3.memory.n} revokes with Map Automatically: ≤ 100 MB above items-only`, short: 'memory ≤ +100 MB', value: `+${f(r.part3.memory.autoDeltaMb, 1)} MB`, pass: r.part3.memory.autoPass });
	}
	if (r.part4) {
		for (const q of r.part4.runs) {
			const pass = q.failed === 0 && q.rejections <= 0.15 * q.items && q.ratio <= 1.3;
			t.push({ name: `Queue mode, ${q.workers} workers: 0 failed, rejections ≤ 15 %, time ≤ 1.3 × minimum`, short: `queue ${q.workers} workers`, value: `${q.failed} failed, ${q.rejections} rejections, ${f(q.ratio)} ×`, pass });
		}
	}
	return t;
}

/** Groups of profile areas, for the one-line findings. */
const GROUPS = {
	expressions: ['package @n8n/expression-runtime', 'expressions / parameter resolution (n8n-workflow)'],
	http: ['Node core http/net/tls', '@n8n/backend-network (per-request agents, outbound client)', 'HTTP client libraries (axios, follow-redirects, form-data, proxy agents)', 'n8n-core request helpers'],
	ours: ['our node (n8n-nodes-fxiaoke)'],
	idle: ['idle'],
	gc: ['GC'],
};

/** Milliseconds of a profile summary per group. @param {any} p */
function grouped(p) {
	/** @type {Record<string, number>} */
	const out = {};
	for (const [g, areas] of Object.entries(GROUPS)) out[g] = p.areas.filter((/** @type {any} */ a) => areas.includes(a.area)).reduce((s, /** @type {any} */ a) => s + a.ms, 0);
	return out;
}

/** One sentence per profiled variant. @param {any} r */
function findings(r) {
	if (!r.profile) return [];
	const lines = [];
	for (const [k, p] of Object.entries(r.profile)) {
		if (p.error) continue;
		const g = grouped(p);
		lines.push(
			`${LABELS[k] || k}: node ${f(p.nodeMs, 0)} ms = expression evaluation ${f(g.expressions, 0)} ms, HTTP client and sockets ${f(g.http, 0)} ms, ` +
				`this package's code ${f(g.ours, 0)} ms, GC ${f(g.gc, 0)} ms, idle (waiting for replies) ${f(g.idle, 0)} ms, rest ${f(p.windowMs - g.expressions - g.http - g.ours - g.gc - g.idle, 0)} ms`,
		);
	}
	return lines;
}

/** @param {number[]} xs */
function range(xs) {
	return `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
}

/** What the reference variants say about where the time goes (bullet points). @param {any} r */
function analysis(r) {
	const out = [];
	const p1 = r.part1;
	const v = p1.variants;
	if (v.concurrent && v.noop && v.raw) {
		const own = v.fxiaoke.medianMs - v.concurrent.medianMs;
		out.push(
			`Fxiaoke ${f(v.fxiaoke.medianMs, 0)} ms vs a minimal node that reads the same parameters and calls \`this.helpers.httpRequest\` with 5 in flight: ${f(v.concurrent.medianMs, 0)} ms. ` +
				`By the medians the Fxiaoke node's own work (limiter, token handling, checks, error mapping) costs ${f(own, 0)} ms per ${p1.n} items (${f((100 * own) / v.fxiaoke.medianMs, 0)} %); ` +
				`the runs overlap (Fxiaoke ${range(v.fxiaoke.runsMs)} ms, minimal node ${range(v.concurrent.runsMs)} ms), so the CPU profile below is the better measure of it.`,
		);
		out.push(
			`Reading serviceId and messageId (two expressions per item) alone takes ${f(v.noop.medianMs, 0)} ms (no-op node); n8n's HTTP helper then adds ${f(v.concurrent.medianMs - v.noop.medianMs, 0)} ms for ${p1.n} requests, where a keep-alive loop needs ${f(v.raw.medianMs, 0)} ms in all: ` +
				'n8n 2.41 builds new http(s) agents for every request (@n8n/backend-network buildNodeAgents), so every request opens a new TCP connection.',
		);
		const http = v.http.medianMs;
		out.push(
			`The HTTP Request approach evaluates five expressions per item (thirdTraceId, two headers from $('Token'), two body fields) and pays the same HTTP helper: ${f(http, 0)} ms. ` +
				`Even the minimal concurrent node takes ${f(v.concurrent.medianMs / http)} × the HTTP Request time (the target for Fxiaoke is ≤ 0.5 ×) and ${f(v.concurrent.medianMs / p1.targets.vsFloor.floorMs)} × the floor no-op + raw loop (target ≤ 1.5 ×).`,
		);
	}
	if (r.profile && r.profile.fxiaoke && !r.profile.fxiaoke.error) {
		const p = r.profile.fxiaoke;
		const ours = p.areas.find((/** @type {any} */ a) => a.area === 'our node (n8n-nodes-fxiaoke)');
		out.push(`CPU profile of the Fxiaoke node's window: this package's own functions take ${f(ours ? ours.ms : 0, 0)} ms self time of ${f(p.busyMs, 0)} ms busy (${f(ours ? ours.pctOfBusy : 0, 1)} %).`);
	}
	const m = r.part3 && r.part3.memory;
	if (v.fxiaokeAuto) {
		out.push(
			`Map Automatically takes serviceId and messageId from the input items and evaluates no expression per item: ${f(v.fxiaokeAuto.medianMs, 0)} ms for ${p1.n} revokes, against ${f(v.fxiaoke.medianMs, 0)} ms with the two expressions; ` +
				`what is left is mostly n8n's HTTP helper (the minimal node without expressions would need about ${f(v.concurrent.medianMs - v.noop.medianMs, 0)} ms for the same requests).`,
		);
	}
	if (m && m.fxiaokeAutoMb !== undefined) {
		out.push(
			`Memory with Map Automatically: +${f(m.autoDeltaMb, 0)} MB over items only for ${m.n} revokes (with expressions: +${f(m.deltaMb, 0)} MB)` +
				(m.passThroughMb !== undefined
					? `. A node that only outputs ${m.n} items (fixed parameters, no request) already costs +${f(m.passThroughMb - m.itemsOnlyMb, 0)} MB: n8n keeps and prints one more node's run data; Map Automatically is +${f(m.fxiaokeAutoMb - m.passThroughMb, 0)} MB above that node.`
					: '.'),
		);
	}
	if (m) {
		out.push(
			`Memory: a node that only reads the two parameters per item already raises the peak by ${f(m.noopMb - m.itemsOnlyMb, 0)} MB; Fxiaoke adds ${f(m.deltaOverNoopMb, 0)} MB to that` +
				(m.concurrentMb !== undefined ? ` (the minimal concurrent httpRequest node: ${f(m.concurrentMb - m.noopMb, 0)} MB, i.e. Fxiaoke peaks ${f(Math.abs(m.fxiaokeMb - m.concurrentMb), 0)} MB ${m.fxiaokeMb >= m.concurrentMb ? 'above' : 'below'} it)` : '') +
				(m.capped
					? `; with ${m.capped.flag} the Fxiaoke run peaks at +${f(m.capped.deltaMb, 0)} MB over items only (${f(m.capped.fxiaokeMsPerItem, 3)} ms per item, uncapped ${f(m.fxiaokeMsPerItem, 3)}).`
					: '.'),
		);
	}
	return out;
}

/** @param {string[][]} rows @param {string[]} [align] */
function grid(rows, align = []) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
	return rows
		.map((row) => row.map((cell, c) => (align[c] === 'r' ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c]))).join('  '))
		.join('\n');
}

/** @param {any} r */
function table(r) {
	const m = r.meta;
	const p1 = r.part1;
	const lines = [];
	lines.push('');
	lines.push(`Fxiaoke node benchmark — n8n ${m.n8nVersion} on Node ${m.nodeVersion}, ${m.machine.cores} cores, ${m.date}`);
	lines.push(`command: ${m.command}   (medians of ${p1.reps} execution(s); node time = n8n's executionTime)`);
	lines.push('');
	lines.push(`1. Node time, ${p1.n} revokes, unthrottled sandbox on loopback`);
	const rows = [['variant', 'median ms', 'ms/item', 'vs Fxiaoke', 'runs (ms)']];
	for (const k of ORDER) {
		const v = p1.variants[k];
		rows.push([LABELS[k], f(v.medianMs, 0), f(v.msPerItem, 3), `${f(v.medianMs / p1.variants.fxiaoke.medianMs)} ×`, v.runsMs.map((x) => Math.round(x)).join(' / ')]);
	}
	lines.push(grid(rows, ['l', 'r', 'r', 'r', 'l']));
	lines.push(`   floor (no-op + raw loop) = ${f(p1.targets.vsFloor.floorMs, 0)} ms`);
	lines.push('');
	const p2 = r.part2;
	lines.push(`2. Pacing, ${p2.n} revokes, sandbox allows ${p2.limit} per ${p2.windowMs} ms (revoke only)`);
	lines.push(`   N/R × W = ${p2.idealMs} ms; strict minimum (N/R − 1) × W = ${p2.strictMs} ms (first to last batch)`);
	const rows2 = [['variant', 'median ms', '÷ N/R×W', '÷ strict', 'failed items (runs)']];
	rows2.push(['Fxiaoke node, rateLimit 100 / window 2 s', f(p2.fxiaoke.medianMs, 0), f(p2.fxiaoke.ratioToIdeal, 3), f(p2.fxiaoke.ratioToStrict, 3), p2.fxiaoke.failedRuns.join(' / ')]);
	rows2.push(['HTTP Request nodes, defaults', f(p2.httpDefault.medianMs, 0), f(p2.httpDefault.medianMs / p2.idealMs, 3), f(p2.httpDefault.medianMs / p2.strictMs, 3), p2.httpDefault.failedRuns.join(' / ')]);
	rows2.push(['HTTP Request nodes, batching 100 / 2000 ms', f(p2.httpBatched.medianMs, 0), f(p2.httpBatched.medianMs / p2.idealMs, 3), f(p2.httpBatched.medianMs / p2.strictMs, 3), p2.httpBatched.failedRuns.join(' / ')]);
	lines.push(grid(rows2, ['l', 'r', 'r', 'r', 'l']));
	lines.push('');
	const p3 = r.part3;
	lines.push(
		`3. Token calls over ${p3.tokenCalls.executions} executions (one n8n home): Fxiaoke ${p3.tokenCalls.fxiaoke}, HTTP Request ${p3.tokenCalls.http}, sequential node ${p3.tokenCalls.sequential}, concurrent node ${p3.tokenCalls.concurrent}; token persisted in the credential: ${p3.tokenCalls.tokenPersistedInCredential ? 'yes' : 'no'}`,
	);
	lines.push(
		`   Peak memory (VmHWM of n8n execute), ${p3.memory.n} items: items only ${f(p3.memory.itemsOnlyMb, 0)} MB; + no-op node ${f(p3.memory.noopMb, 0)} MB;` +
			(p3.memory.concurrentMb !== undefined ? ` + minimal concurrent node ${f(p3.memory.concurrentMb, 0)} MB;` : '') +
			` + Fxiaoke revoke ${f(p3.memory.fxiaokeMb, 0)} MB` +
			` → Fxiaoke +${f(p3.memory.deltaMb, 1)} MB over items only, +${f(p3.memory.deltaOverNoopMb, 1)} MB over the no-op node`,
	);
	if (p3.memory.rssSampledPeakAfterNodeMb) {
		lines.push(
			`   sampled RSS peak: Fxiaoke during the node ${f(p3.memory.rssSampledPeakDuringNodeMb.fxiaoke, 0)} MB, after it ${f(p3.memory.rssSampledPeakAfterNodeMb.fxiaoke, 0)} MB; items only after ${f(p3.memory.rssSampledPeakAfterNodeMb.items, 0)} MB; no-op after ${f(p3.memory.rssSampledPeakAfterNodeMb.noop, 0)} MB`,
		);
	}
	lines.push(
		`   (peak V8 heapUsed: items only ${f(p3.memory.heapUsedPeakMb.items, 0)}, no-op ${f(p3.memory.heapUsedPeakMb.noop, 0)}, Fxiaoke ${f(p3.memory.heapUsedPeakMb.fxiaoke, 0)} MB; at this size no-op ${f(p3.memory.noopMsPerItem, 3)} ms/item, Fxiaoke ${f(p3.memory.fxiaokeMsPerItem, 3)} ms/item)`,
	);
	if (p3.memory.fxiaokeAutoMb !== undefined) lines.push(`   Map Automatically: ${f(p3.memory.fxiaokeAutoMb, 0)} MB → +${f(p3.memory.autoDeltaMb, 1)} MB over items only, ${f(p3.memory.fxiaokeAutoMsPerItem, 3)} ms/item`);
	if (r.part4) {
		lines.push('');
		lines.push(`4. Queue mode, ${r.part4.n} revokes in ${r.part4.n / 10} webhook executions, one limit of ${r.part4.limit} per ${r.part4.windowMs} ms shared by all workers (minimum ${r.part4.minimumMs} ms)`);
		for (const q of r.part4.runs) lines.push(`   ${q.workers} workers: ${q.failed} failed, ${q.rejections} rate-limit rejections, ${f(q.ms / 1000, 1)} s = ${f(q.ratio)} × the minimum`);
	}
	lines.push('');
	lines.push('Targets');
	lines.push(grid(targets(r).map((t) => [`  ${t.name}`, t.value, pf(t.pass)]), ['l', 'r', 'l']));
	lines.push('');
	for (const n of analysis(r)) lines.push(`* ${n.replace(/`/g, '')}`);
	lines.push('');
	lines.push(`Other processes used ${f(m.othersCoresDuringExecutions.median)} cores (median; max ${f(m.othersCoresDuringExecutions.max)}) of ${m.machine.cores} during the executions.`);
	if (r.profile) {
		lines.push('');
		lines.push('CPU profile of the node window (self time)');
		for (const [k, p] of Object.entries(r.profile)) {
			if (p.error) continue;
			lines.push(`  ${LABELS[k] || k}: node ${f(p.nodeMs, 0)} ms, profiled window ${f(p.windowMs, 0)} ms, busy ${f(p.busyMs, 0)} ms`);
			for (const a of p.areas.slice(0, 8)) lines.push(`    ${String(f(a.ms, 0)).padStart(6)} ms ${String(f(a.pctOfBusy, 1)).padStart(5)}%  ${a.area}`);
		}
		for (const l of findings(r)) lines.push(`  ${l}`);
	}
	lines.push('');
	return lines.join('\n');
}

/** @param {string} s */
function esc(s) {
	return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** @param {any} r @param {{ legacy?: any }} [extra] */
function markdown(r, extra = {}) {
	const m = r.meta;
	const p1 = r.part1;
	const p2 = r.part2;
	const p3 = r.part3;
	const out = [];
	out.push('# Benchmark');
	out.push('');
	out.push(`Command: \`npm run bench\` (= \`npm run build && ${m.command}\`). Date: ${m.date.slice(0, 10)} (${m.date}).`);
	out.push(
		`Machine: ${m.machine.cores} cores (${esc(m.machine.cpu || 'unknown CPU')}), ${m.machine.memGb} GB, Linux ${m.machine.kernel}; n8n ${m.n8nVersion} on Node ${m.nodeVersion}; measuring took ${Math.round((m.durationS - (m.waitedS || 0)) / 60)} min` +
			(m.waitedS ? ` (after waiting ${Math.round(m.waitedS / 60)} min for the machine to be quiet).` : '.'),
	);
	out.push('');
	out.push(
		`> The ratios come from **one run on a shared 2-core machine**: other engineers' tests may run at the same time. ` +
			`While the executions ran, other processes used ${f(m.othersCoresDuringExecutions.median)} cores (median, max ${f(m.othersCoresDuringExecutions.max)}). ` +
			'Each figure is the median of ' +
			`${p1.reps} execution(s); each workflow was executed by its own \`n8n execute\` process, so every run starts with a cold JIT. Absolute times will differ on other machines; the ratios are the point.`,
	);
	out.push('');
	out.push('![bench chart](bench.svg)');
	out.push('');
	out.push('## Targets');
	out.push('');
	out.push('| Target | Measured | Result |');
	out.push('| --- | ---: | --- |');
	for (const t of targets(r)) out.push(`| ${esc(t.name)} | ${esc(t.value)} | ${t.pass ? 'pass' : '**FAIL**'} |`);
	out.push('');
	const notes = analysis(r);
	if (notes.length) {
		out.push('## Where the time and memory go');
		out.push('');
		for (const n of notes) out.push(`- ${n}`);
		out.push('');
	}
	out.push(`## 1. Node time per item (${p1.n} revokes, unthrottled sandbox on loopback)`);
	out.push('');
	out.push("Time of a node is n8n's own `executionTime` for it in the run data (the HTTP Request approach: Token node + Revoke node); the raw loop is timed in its own process (token call + revokes). Process start-up is not counted.");
	out.push('');
	out.push('| Variant | Median ms | ms / item | × Fxiaoke | Runs (ms) |');
	out.push('| --- | ---: | ---: | ---: | --- |');
	for (const k of ORDER) {
		const v = p1.variants[k];
		out.push(`| ${esc(LABELS[k])} | ${f(v.medianMs, 0)} | ${f(v.msPerItem, 3)} | ${f(v.medianMs / p1.variants.fxiaoke.medianMs)} | ${v.runsMs.map((x) => Math.round(x)).join(' / ')} |`);
	}
	out.push('');
	out.push(
		`Fxiaoke ÷ HTTP Request nodes = ${f(p1.targets.vsHttp.ratio)} (target ≤ 0.5); Fxiaoke ÷ (no-op ${f(p1.variants.noop.medianMs, 0)} ms + raw loop ${f(p1.variants.raw.medianMs, 0)} ms) = ${f(p1.targets.vsFloor.ratio)} (target ≤ 1.5); Fxiaoke ÷ sequential httpRequest node = ${f(p1.reference.vsSequential)}; Fxiaoke ÷ concurrent httpRequest node = ${f(p1.reference.vsConcurrent)}.`,
	);
	out.push('');
	out.push('- **Fxiaoke node, expressions**: Manual Trigger → Set (raw JSON, ids from `$execution.id`) → Split Out → Fxiaoke Message → Revoke with Service ID `{{ $json.serviceId }}` and Message ID `{{ $json.messageId }}`, Options: Rate Limit 1,000,000 (does not bind), Concurrency default (5).');
	out.push('- **Fxiaoke node, Map Automatically**: the same with Input Data "Map Automatically" (serviceId and messageId read from each item, no expression).');
	out.push(
		"- **HTTP Request nodes**: Manual Trigger → HTTP Request \"Token\" (POST /oauth2.0/token once) → Set → Split Out → HTTP Request \"Revoke\" (one POST per item; headers `authorization: Bearer {{ $('Token').first().json.accessToken }}`, `x-fs-ea`, `x-fs-userid`; body serviceId/messageId). n8n 2.41's expressions have no UUID function, so `thirdTraceId` is built from `Math.random()` in an expression.",
	);
	out.push('- **No-op node** (`bench/noop-node`): reads resource, operation, Options and serviceId/messageId per item like the Revoke operation and returns the items; no request.');
	out.push('- **Raw loop** (`bench/lib/raw-loop.js`): node:http with a keep-alive Agent, 5 requests in flight, own process.');
	out.push('- **Sequential node** (`bench/noop-node`): token call, then `this.helpers.httpRequest` per item, one after the other.');
	out.push(
		'- **Concurrent node** (`bench/noop-node`): the same with 5 requests in flight and nothing else (no limiter, retries, token cache or checks): the lowest time a node reading the same parameters through n8n\'s HTTP helper can reach. Fxiaoke minus this is the cost of the Fxiaoke node\'s own work.',
	);
	out.push('');
	out.push(`## 2. Pacing (${p2.n} revokes, sandbox enforcing ${p2.limit} requests per ${p2.windowMs / 1000} s on revoke)`);
	out.push('');
	out.push(
		`Theoretical minimum: N/R × W = ${p2.n}/${p2.limit} × ${p2.windowMs} ms = **${p2.idealMs} ms**. Strictly, only the (N/R − 1) = ${Math.ceil(p2.n / p2.limit) - 1} full windows between the first and the last batch must elapse: **${p2.strictMs} ms**. The target is node time ≤ 1.1 × N/R × W with no failed item (output with errorCode ≠ 0; the nodes run with On Error → Continue).`,
	);
	out.push('');
	out.push('| Variant | Median ms | ÷ N/R×W | ÷ (N/R−1)×W | Failed items per run |');
	out.push('| --- | ---: | ---: | ---: | --- |');
	out.push(`| Fxiaoke node, Rate Limit 100, Window 2 s | ${f(p2.fxiaoke.medianMs, 0)} | ${f(p2.fxiaoke.ratioToIdeal, 3)} | ${f(p2.fxiaoke.ratioToStrict, 3)} | ${p2.fxiaoke.failedRuns.join(' / ')} |`);
	out.push(`| HTTP Request nodes, default settings | ${f(p2.httpDefault.medianMs, 0)} | ${f(p2.httpDefault.medianMs / p2.idealMs, 3)} | ${f(p2.httpDefault.medianMs / p2.strictMs, 3)} | ${p2.httpDefault.failedRuns.join(' / ')} |`);
	out.push(`| HTTP Request nodes, Batching 100 items / 2000 ms | ${f(p2.httpBatched.medianMs, 0)} | ${f(p2.httpBatched.medianMs / p2.idealMs, 3)} | ${f(p2.httpBatched.medianMs / p2.strictMs, 3)} | ${p2.httpBatched.failedRuns.join(' / ')} |`);
	out.push('');
	const arr = p2.fxiaoke.runs.map((x) => x.arrivals);
	out.push(
		`At the sandbox, the Fxiaoke node's revokes spread over ${arr.map((a) => a.spreadMs).join(' / ')} ms with at most ${Math.max(...arr.map((a) => a.maxPerWindow))} per fixed window and ${arr.map((a) => a.rejected).join(' / ')} rejected requests (rejections are retried by the node, so they are not failed items).`,
	);
	out.push('');
	out.push('## 3. Token calls and memory');
	out.push('');
	out.push(
		`Token calls over the ${p3.tokenCalls.executions} executions of part 1 (same workflow, one n8n home, a credential that starts without a token): Fxiaoke node **${p3.tokenCalls.fxiaoke}**, HTTP Request approach ${p3.tokenCalls.http}, sequential node ${p3.tokenCalls.sequential}, concurrent node ${p3.tokenCalls.concurrent}. ` +
			`Token persisted in the credential afterwards (n8n export:credentials): ${p3.tokenCalls.tokenPersistedInCredential ? 'yes' : 'no'}.`,
	);
	out.push('');
	out.push(`Peak memory (VmHWM of the \`n8n execute\` process, read when it exits; median of ${p3.memory.runs.fxiaoke.length} run(s)), ${p3.memory.n} items:`);
	out.push('');
	out.push('| Workflow | Peak RSS (MB) | Peak V8 heapUsed (MB, sampled every 100 ms) | Node ms / item |');
	out.push('| --- | ---: | ---: | ---: |');
	out.push(`| Manual Trigger → Set → Split Out (items only) | ${f(p3.memory.itemsOnlyMb, 0)} | ${f(p3.memory.heapUsedPeakMb.items, 0)} | – |`);
	if (p3.memory.passThroughMb !== undefined) out.push(`| … → pass-through node (fixed parameters, outputs every item, no request) | ${f(p3.memory.passThroughMb, 0)} | – | – |`);
	out.push(`| … → no-op node (reads serviceId/messageId per item) | ${f(p3.memory.noopMb, 0)} | ${f(p3.memory.heapUsedPeakMb.noop, 0)} | ${f(p3.memory.noopMsPerItem, 3)} |`);
	if (p3.memory.concurrentMb !== undefined) {
		out.push(
			`| … → minimal concurrent httpRequest node (same requests, nothing else) | ${f(p3.memory.concurrentMb, 0)} | ${f(p3.memory.heapUsedPeakMb.concurrent, 0)} | ${f(p3.memory.concurrentMsPerItem, 3)} |`,
		);
	}
	out.push(`| … → Fxiaoke Revoke (expressions) | ${f(p3.memory.fxiaokeMb, 0)} | ${f(p3.memory.heapUsedPeakMb.fxiaoke, 0)} | ${f(p3.memory.fxiaokeMsPerItem, 3)} |`);
	if (p3.memory.fxiaokeAutoMb !== undefined) {
		out.push(`| … → Fxiaoke Revoke (Map Automatically) | ${f(p3.memory.fxiaokeAutoMb, 0)} | ${f(p3.memory.heapUsedPeakMb.fxiaokeAuto, 0)} | ${f(p3.memory.fxiaokeAutoMsPerItem, 3)} |`);
		out.push('');
		out.push(`Map Automatically: **+${f(p3.memory.autoDeltaMb, 1)} MB** over items only (target ≤ 100 MB: ${p3.memory.autoPass ? 'pass' : '**FAIL**'}).`);
	}
	out.push('');
	out.push(
		`Fxiaoke: **+${f(p3.memory.deltaMb, 1)} MB** over items only (target ≤ 100 MB: ${p3.memory.pass ? 'pass' : '**FAIL**'}), of which +${f(p3.memory.noopMb - p3.memory.itemsOnlyMb, 1)} MB is already paid by a node that only reads the two parameters per item, and +${f(p3.memory.deltaOverNoopMb, 1)} MB is the requests.`,
	);
	if (p3.memory.rssSampledPeakAfterNodeMb) {
		out.push('');
		out.push(
			`Sampled RSS (every 100 ms; a synchronous node such as the no-op blocks the sampler while it runs): Fxiaoke peaks at ${f(p3.memory.rssSampledPeakDuringNodeMb.fxiaoke, 0)} MB while the node runs and ${f(p3.memory.rssSampledPeakAfterNodeMb.fxiaoke, 0)} MB afterwards, when n8n stores and prints the run data ` +
				`(items only: ${f(p3.memory.rssSampledPeakAfterNodeMb.items, 0)} MB afterwards, no-op: ${f(p3.memory.rssSampledPeakAfterNodeMb.noop, 0)} MB).`,
		);
	}
	if (p3.memory.capped) {
		const c = p3.memory.capped;
		out.push('');
		out.push(
			`With V8's old space capped (\`NODE_OPTIONS=${c.flag}\`, one run each) the same ${p3.memory.n}-item executions peak at ${f(c.itemsOnlyMb, 0)} MB (items only) and ${f(c.fxiaokeMb, 0)} MB (Fxiaoke): **+${f(c.deltaMb, 1)} MB**, at ${f(c.fxiaokeMsPerItem, 3)} ms per item. ` +
				'Most of the uncapped peak is garbage that V8 lets accumulate before a major collection (its heap limit is sized from the machine\'s memory), not memory the node keeps.',
		);
	}
	out.push('');
	if (r.part4) {
		const q4 = r.part4;
		out.push('## 4. Queue mode: several workers sharing one limit');
		out.push('');
		out.push(
			`A main and 2, then 4 workers (\`EXECUTIONS_MODE=queue\`, PostgreSQL and Redis; test/support/queue.js), ${q4.n / 10} webhook executions of 10 revokes fired at once, Rate Limit ${q4.limit} / ${q4.windowMs / 1000} s in every worker, and the sandbox allowing ${q4.limit} per ${q4.windowMs / 1000} s for all of them together. ` +
				`Time from the first webhook call to the last answer, against the minimum N / limit × window = ${q4.minimumMs / 1000} s. One run each (test/e2e/queue-mode.e2e.test.js asserts the same bounds).`,
		);
		out.push('');
		out.push('| Workers | Failed items | Rate-limit rejections | Time (s) | ÷ minimum |');
		out.push('| ---: | ---: | ---: | ---: | ---: |');
		for (const q of q4.runs) out.push(`| ${q.workers} | ${q.failed} | ${q.rejections} (${f((100 * q.rejections) / q.items, 1)} %) | ${f(q.ms / 1000, 1)} | ${f(q.ratio)} |`);
		out.push('');
	}
	if (r.profile) {
		out.push('## CPU profile of the node window');
		out.push('');
		out.push('`node --cpu-prof` (200 µs interval) of one `n8n execute` per variant, cut to the node\'s own time window from the run data. Self time by area, then the top functions.');
		out.push('');
		for (const l of findings(r)) out.push(`- ${esc(l)}`);
		out.push('');
		for (const [k, p] of Object.entries(r.profile)) {
			if (p.error) continue;
			out.push(`### ${esc(LABELS[k] || k)}: node ${f(p.nodeMs, 0)} ms, busy ${f(p.busyMs, 0)} ms of ${f(p.windowMs, 0)} ms`);
			out.push('');
			out.push('| Area | ms | % of busy |');
			out.push('| --- | ---: | ---: |');
			for (const a of p.areas.slice(0, 12)) out.push(`| ${esc(a.area)} | ${f(a.ms, 0)} | ${f(a.pctOfBusy, 1)} |`);
			out.push('');
			out.push('| Function | Where | ms | % |');
			out.push('| --- | --- | ---: | ---: |');
			for (const fn of p.functions.slice(0, 15)) out.push(`| ${esc(fn.function)} | ${esc(fn.where)} | ${f(fn.ms, 1)} | ${f(fn.pctOfBusy, 1)} |`);
			out.push('');
		}
	}
	if (extra.legacy && extra.legacy.part1) {
		const l = extra.legacy;
		const lp = l.part1;
		out.push('## The same with n8n\'s legacy expression engine');
		out.push('');
		out.push(
			`n8n 2.41 evaluates expressions in isolated-vm by default (\`N8N_EXPRESSION_ENGINE=vm\`). A separate run with \`N8N_EXPRESSION_ENGINE=legacy\` (\`${esc(l.meta.command)}\`, ${esc(l.meta.date)}, other processes used ${f(l.meta.othersCoresDuringExecutions.median)} cores (median) meanwhile; results in \`bench/results/engine-legacy.json\`):`,
		);
		out.push('');
		out.push('| Variant | Median ms | ms / item |');
		out.push('| --- | ---: | ---: |');
		for (const k of ORDER) if (lp.variants[k]) out.push(`| ${esc(LABELS[k])} | ${f(lp.variants[k].medianMs, 0)} | ${f(lp.variants[k].msPerItem, 3)} |`);
		out.push('');
		out.push(
			`Fxiaoke ÷ HTTP Request nodes = ${f(lp.targets.vsHttp.ratio)} (≤ 0.5: ${lp.targets.vsHttp.pass ? 'pass' : 'FAIL'}); Fxiaoke ÷ (no-op + raw loop) = ${f(lp.targets.vsFloor.ratio)} (≤ 1.5: ${lp.targets.vsFloor.pass ? 'pass' : 'FAIL'}); Fxiaoke ÷ concurrent httpRequest node = ${f(lp.reference.vsConcurrent)}.` +
				(l.part3 ? ` Peak memory, ${l.part3.memory.n} items: +${f(l.part3.memory.deltaMb, 1)} MB over items only.` : ''),
		);
		out.push('');
	}
	out.push('## How to run');
	out.push('');
	out.push('```sh');
	out.push('npm run bench                   # build, then node bench/run.js (about 10–15 minutes on 2 cores)');
	out.push('node bench/run.js --quick       # smoke run: N = 200, one repetition');
	out.push('node bench/run.js --wait-quiet  # wait (up to 10 min) until other processes are idle first');
	out.push('node bench/run.js --profile     # also write CPU profiles (bench/results/profiles/)');
	out.push('node bench/run.js --engine=legacy  # N8N_EXPRESSION_ENGINE=legacy; writes bench/results/engine-legacy.json only');
	out.push('```');
	out.push('');
	out.push('Results: `bench/results/latest.json` (every run\'s figures), this page and `docs/bench.svg`.');
	out.push('');
	return out.join('\n');
}

/** @param {any} r */
function svg(r) {
	const p1 = r.part1;
	const p2 = r.part2;
	const p3 = r.part3;
	const W = 900;
	const left = 300;
	const barMax = 360;
	const rowH = 34;
	const top = 70;
	const max = Math.max(...ORDER.map((k) => p1.variants[k].msPerItem));
	const colors = { fxiaokeAuto: '#c94f00', fxiaoke: '#ff6a00', http: '#7a7a7a', sequential: '#a9a9a9', concurrent: '#c4c4c4', noop: '#4a90d9', raw: '#2e6db4' };
	const parts = [];
	const H = top + ORDER.length * rowH + 190;
	parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`);
	parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
	parts.push(`<text x="20" y="28" font-size="16" font-weight="bold">Fxiaoke node benchmark: ms per item (lower is better)</text>`);
	parts.push(`<text x="20" y="48" fill="#555">${p1.n} revokes on a local sandbox, n8n ${esc(r.meta.n8nVersion)}, median of ${p1.reps}; one run on a shared ${r.meta.machine.cores}-core machine, ${esc(r.meta.date.slice(0, 10))}</text>`);
	ORDER.forEach((k, i) => {
		const v = p1.variants[k];
		const y = top + i * rowH;
		const w = Math.max(1, (v.msPerItem / max) * barMax);
		parts.push(`<text x="${left - 10}" y="${y + 17}" text-anchor="end">${esc(LABELS[k])}</text>`);
		parts.push(`<rect x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 12}" fill="${colors[k]}"/>`);
		parts.push(`<text x="${(left + w + 6).toFixed(1)}" y="${y + 17}">${f(v.msPerItem, 3)} ms</text>`);
	});
	let y = top + ORDER.length * rowH + 24;
	const t = targets(r);
	const line = (/** @type {string} */ text, /** @type {string} */ color = '#222') => {
		parts.push(`<text x="20" y="${y}" fill="${color}">${esc(text)}</text>`);
		y += 20;
	};
	line(
		`Targets: Map Automatically ÷ HTTP Request = ${f(p1.targets.autoVsHttp.ratio)} (≤ 0.5 ${pf(p1.targets.autoVsHttp.pass)}); expressions ÷ minimal node = ${f(p1.targets.expressionsVsConcurrent.ratio)} (≤ 1.1 ${pf(p1.targets.expressionsVsConcurrent.pass)})`,
	);
	line(
		`Pacing, ${p2.n} revokes at ${p2.limit} per ${p2.windowMs / 1000} s: Fxiaoke ${f(p2.fxiaoke.medianMs / 1000, 1)} s = ${f(p2.fxiaoke.ratioToIdeal, 3)} × N/R×W (${p2.idealMs / 1000} s), ${f(p2.fxiaoke.ratioToStrict, 3)} × (N/R−1)×W, failed ${p2.fxiaoke.failedMax}`,
	);
	line(`HTTP Request failed items: defaults ${p2.httpDefault.failedMedian} of ${p2.n}; batching 100 / 2000 ms ${p2.httpBatched.failedMedian} of ${p2.n}`);
	line(`Token calls over ${p3.tokenCalls.executions} executions of one workflow: Fxiaoke ${p3.tokenCalls.fxiaoke}, HTTP Request ${p3.tokenCalls.http}`);
	line(
		`Peak memory, ${p3.memory.n} items: items only ${f(p3.memory.itemsOnlyMb, 0)} MB; Fxiaoke Map Automatically +${f(p3.memory.autoDeltaMb, 0)} MB (≤ 100 ${pf(p3.memory.autoPass)}), expressions +${f(p3.memory.deltaMb, 0)} MB`,
	);
	if (r.part4) line(`Queue mode, ${r.part4.n} revokes, one limit: ${r.part4.runs.map((q) => `${q.workers} workers ${q.failed} failed, ${q.rejections} rejections, ${f(q.ratio)} × minimum`).join('; ')}`);
	const missed = t.filter((x) => !x.pass);
	line(missed.length === 0 ? `All ${t.length} targets met` : `${t.length - missed.length} of ${t.length} targets met; missed: ${missed.map((x) => x.short || x.name).join('; ')}`, missed.length === 0 ? '#1a7f37' : '#cf222e');
	parts.push('</svg>');
	return parts.join('\n') + '\n';
}

module.exports = { table, markdown, svg, targets, findings, analysis, LABELS };
