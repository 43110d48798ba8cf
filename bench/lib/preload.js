'use strict';
/**
 * Loaded into n8n processes by bench/run.js through NODE_OPTIONS="--require …/preload.js".
 * At exit it writes `${BENCH_PROC_DIR}/<pid>.json`: the peak resident set size (VmHWM from
 * /proc/self/status, exact at the very end of the process rather than polled), the command line,
 * and a pair of clock readings (epoch ms and the monotonic clock in µs that V8's CPU profiles use),
 * so that a --cpu-prof profile can be cut to the time window n8n reports for one node.
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_PROC_DIR;
const clock = { epochMs: Date.now(), monoUs: Number(process.hrtime.bigint() / 1000n) };

function statusKb(field) {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
		return m ? Number(m[1]) : null;
	} catch {
		return null;
	}
}

/** Optional: sample process.memoryUsage() every BENCH_MEM_SAMPLE_MS ms (peaks and a coarse timeline). */
const sampleMs = Number(process.env.BENCH_MEM_SAMPLE_MS || 0);
/** @type {Record<string, number>} */
const peaks = {};
/** @type {Array<[number, number, number, number]>} */
const timeline = [];
if (dir && sampleMs > 0) {
	const MB = 1024 * 1024;
	const timer = setInterval(() => {
		const m = process.memoryUsage();
		for (const [k, v] of Object.entries(m)) peaks[k] = Math.max(peaks[k] || 0, v / MB);
		timeline.push([Date.now(), Math.round(m.rss / MB), Math.round(m.heapUsed / MB), Math.round((m.external + m.arrayBuffers) / MB)]);
	}, sampleMs);
	timer.unref();
}

if (dir) {
	process.on('exit', (code) => {
		try {
			fs.writeFileSync(
				path.join(dir, `${process.pid}.json`),
				JSON.stringify({ pid: process.pid, argv: process.argv.slice(1), code, clock, vmHwmKb: statusKb('VmHWM'), vmRssKb: statusKb('VmRSS'), peaks, timeline }),
			);
		} catch {
			/* never disturb n8n's exit */
		}
	});
}
