#!/usr/bin/env node
'use strict';
/**
 * `npm test` (after the build): every test file, in two lanes one after the other, while the n8n
 * versions the e2e files need are installed beside the first lane's first files (a no-op once cached).
 *   1. everything but queue mode, two files at a time (jest --maxWorkers=2): most e2e files wait on
 *      n8n (poll cycles, token spacing, process starts), so two share the 2 cores well;
 *   2. test/e2e/queue-mode.e2e.test.js alone (main + workers on both cores; it measures pacing).
 * Then the ten slowest files of the whole run and the one line CI reads: "N passed, N failed".
 *
 *   node scripts/test.js [jest arguments]   with arguments: one plain jest run with them
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const { summaryText } = require('../test/support/summary');

const ROOT = path.resolve(__dirname, '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const ALONE = 'test/e2e/queue-mode.e2e.test.js';

/** Runs jest; its results (jest --json), or undefined when it wrote none. @param {string[]} args */
function jest(args) {
	const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fxiaoke-jest-')), 'results.json');
	// (FXIAOKE_TEST_LANES: the summary reporter leaves the closing line to this script)
	const env = { ...process.env, FXIAOKE_TEST_LANES: '1' };
	const run = spawnSync(process.execPath, [JEST, ...args, '--json', `--outputFile=${out}`], { cwd: ROOT, stdio: 'inherit', env });
	try {
		return { status: run.status ?? 1, results: JSON.parse(fs.readFileSync(out, 'utf8')) };
	} catch {
		return { status: run.status ?? 1, results: undefined };
	} finally {
		fs.rmSync(path.dirname(out), { recursive: true, force: true });
	}
}

/** Both lanes and their results; the n8n installs run beside the first. */
async function runLanes() {
	const preparing = spawn(process.execPath, [path.join(ROOT, 'test', 'support', 'prepare-n8n.js')], { cwd: ROOT, stdio: 'inherit' });
	const prepared = new Promise((resolve) => preparing.on('exit', resolve));
	const lanes = [jest(['--maxWorkers=2', `--testPathIgnorePatterns=${ALONE}`]), jest(['--maxWorkers=1', ALONE])];
	await prepared;
	return lanes;
}

/** "N passed, N failed" over the lanes, and every file's seconds. */
function tally(lanes) {
	let passed = 0;
	let failed = 0;
	const files = [];
	for (const { status, results } of lanes) {
		if (!results) {
			failed += 1; // jest itself failed (no results): count it, never pass silently
			continue;
		}
		const lost = results.numFailedTests + results.numRuntimeErrorTestSuites;
		passed += results.numPassedTests;
		failed += lost > 0 || status === 0 ? lost : 1;
		for (const r of results.testResults) files.push({ file: path.relative(ROOT, r.name), seconds: (r.endTime - r.startTime) / 1000 });
	}
	return { passed, failed, files };
}

async function main() {
	const args = process.argv.slice(2);
	if (args.length > 0) process.exit(spawnSync(process.execPath, [JEST, ...args], { cwd: ROOT, stdio: 'inherit' }).status ?? 1);
	const started = Date.now();
	const { passed, failed, files } = tally(await runLanes());
	process.stdout.write(summaryText({ files, seconds: (Date.now() - started) / 1000, passed, failed }));
	process.exit(failed > 0 ? 1 : 0);
}

void main();
