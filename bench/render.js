#!/usr/bin/env node
'use strict';
/**
 * Re-renders docs/bench.md and docs/bench.svg from bench/results/latest.json (and
 * bench/results/engine-legacy.json when present) without measuring again.
 *   node bench/render.js
 */
const fs = require('node:fs');
const path = require('node:path');
const report = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const results = JSON.parse(fs.readFileSync(path.join(__dirname, 'results', 'latest.json'), 'utf8'));
const legacyFile = path.join(__dirname, 'results', 'engine-legacy.json');
const legacy = fs.existsSync(legacyFile) ? JSON.parse(fs.readFileSync(legacyFile, 'utf8')) : null;
fs.writeFileSync(path.join(ROOT, 'docs', 'bench.md'), report.markdown(results, { legacy }));
fs.writeFileSync(path.join(ROOT, 'docs', 'bench.svg'), report.svg(results));
process.stdout.write(report.table(results));
