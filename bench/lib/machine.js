'use strict';
/**
 * What else the (shared) machine is doing: load average and the busiest other processes, and an
 * optional wait until it is quiet.
 */
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');

function loadavg() {
	const [l1, l5, l15] = os.loadavg();
	return { l1: round2(l1), l5: round2(l5), l15: round2(l15) };
}

/** @param {number} x */
function round2(x) {
	return Math.round(x * 100) / 100;
}

/** Total CPU jiffies used by each process now. @returns {Map<number, { ticks: number, cmd: string }>} */
function processTicks() {
	/** @type {Map<number, { ticks: number, cmd: string }>} */
	const out = new Map();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			const fields = stat.slice(close + 2).split(' ');
			const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
			let cmd = '';
			try {
				cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
			} catch {
				/* gone */
			}
			out.set(Number(name), { ticks, cmd: cmd || stat.slice(stat.indexOf('(') + 1, close) });
		} catch {
			/* process ended meanwhile */
		}
	}
	return out;
}

/**
 * CPU use of other processes over `ms` (in cores), and the busiest of them.
 * @param {number} ms @param {Set<number>} [exclude] pids to leave out (this process and its children)
 */
async function sampleOthers(ms = 3000, exclude = new Set([process.pid])) {
	const hz = 100;
	const a = processTicks();
	await new Promise((r) => setTimeout(r, ms));
	const b = processTicks();
	/** @type {Array<{ pid: number, cores: number, cmd: string }>} */
	const busy = [];
	let cores = 0;
	for (const [pid, e] of b) {
		if (exclude.has(pid)) continue;
		const before = a.get(pid);
		const used = (e.ticks - (before ? before.ticks : e.ticks)) / hz / (ms / 1000);
		if (used > 0) {
			cores += used;
			if (used >= 0.05) busy.push({ pid, cores: round2(used), cmd: e.cmd.slice(0, 140) });
		}
	}
	busy.sort((x, y) => y.cores - x.cores);
	return { cores: round2(cores), busy: busy.slice(0, 6) };
}

function uptimeText() {
	try {
		return execFileSync('uptime', { encoding: 'utf8' }).trim();
	} catch {
		return `load average: ${Object.values(loadavg()).join(', ')}`;
	}
}

/**
 * Wait until other processes use less than `maxCores` for a 3 s sample and the 1-minute load is
 * below `maxLoad`, at most `waitMs`. Returns what it last saw and whether it was quiet.
 * @param {{ waitMs: number, maxCores?: number, maxLoad?: number, log?: (s: string) => void }} opts
 */
async function waitQuiet(opts) {
	const maxCores = opts.maxCores ?? 0.25;
	const maxLoad = opts.maxLoad ?? 1.0;
	const deadline = Date.now() + opts.waitMs;
	const log = opts.log || (() => {});
	for (;;) {
		const others = await sampleOthers(3000);
		const load = loadavg();
		const quiet = others.cores < maxCores && load.l1 < maxLoad;
		if (quiet || Date.now() >= deadline) return { quiet, others, load };
		log(`machine busy (others ${others.cores} cores, load ${load.l1}); waiting… top: ${others.busy.map((b) => `${b.cores} ${b.cmd.slice(0, 60)}`).join(' | ')}`);
		await new Promise((r) => setTimeout(r, 10_000));
	}
}

/**
 * A reading of the machine's busy CPU time and of this process's own time plus that of its
 * reaped children (n8n processes, once they exit, and whatever they reaped), in 1/100 s.
 */
function cpuSnapshot() {
	const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	// user nice system idle iowait irq softirq steal
	const busy = line[0] + line[1] + line[2] + line[5] + line[6] + (line[7] || 0);
	const stat = fs.readFileSync('/proc/self/stat', 'utf8');
	const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const own = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
	return { at: Date.now(), busy, own };
}

/**
 * Average number of cores used by everything but this process and its (reaped) children between
 * two snapshots: what other people's work took from the machine while we measured.
 * @param {ReturnType<typeof cpuSnapshot>} a @param {ReturnType<typeof cpuSnapshot>} b
 */
function othersCores(a, b) {
	const seconds = (b.at - a.at) / 1000;
	if (seconds <= 0) return 0;
	return round2(Math.max(0, (b.busy - a.busy - (b.own - a.own)) / 100 / seconds));
}

module.exports = { loadavg, sampleOthers, waitQuiet, uptimeText, cpuSnapshot, othersCores };
