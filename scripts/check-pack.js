#!/usr/bin/env node
'use strict';
/**
 * Checks what `npm publish` would put in the tarball (`npm pack --dry-run --json`), so that users
 * get the built node and nothing else: no tests, sandbox, TypeScript sources, benchmark, examples or
 * translations of the README.
 *
 * Allowed:   package.json, README.md, LICENSE, CHANGELOG.md, index.js, dist/nodes/**, dist/credentials/**
 * Required:  package.json, README.md, LICENSE, CHANGELOG.md, index.js (package.json "main"), every file listed in package.json's
 *            `n8n.nodes` / `n8n.credentials`, each node's codex (.node.json) and the SVG icons the
 *            node and credential sources name (`file:…svg`).
 * Also:      no source map in dist may point outside dist (its sources would not be in the tarball),
 *            `main` must be a shipped file, no runtime `dependencies`, and the shipped JavaScript
 *            requires nothing but `n8n-workflow`, Node's `crypto` and its own files: a devDependency
 *            (axios, n8n-core) passes the lint's import rule but is missing in a user's n8n.
 *
 * Usage: node scripts/check-pack.js [--json]   (run `npm run build` first)
 * Exit code 0 when the tarball is clean, 1 otherwise (every problem is listed).
 *
 * Note (npm 11, npm-packlist): README*, LICENSE*, LICENCE*, COPYING*, package.json and `main` are
 * always packed, whatever `files` or `.npmignore` say — a `README.zh-CN.md` at the root matches
 * npm's `readme{,.*}` rule and cannot be excluded except by moving or renaming it.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const ALLOWED_TOP = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'index.js']);
const REQUIRED_TOP = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'index.js'];
const SHIPPED_DIRS = ['dist/nodes/', 'dist/credentials/'];
/** What shipped code may require besides its own files (n8n provides n8n-workflow). */
const ALLOWED_REQUIRES = new Set(['n8n-workflow', 'crypto', 'node:crypto']);

/** Bare module names a CommonJS file requires. @param {string} text */
function requiredModules(text) {
	const names = new Set();
	for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) if (!m[1].startsWith('.')) names.add(m[1]);
	for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) if (!m[1].startsWith('.')) names.add(m[1]);
	return [...names];
}

/** Environment without what npm exports into scripts (e.g. npm_config_dry_run, json). */
function cleanEnv() {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^npm_config_/i.test(k)) env[k] = v;
	return env;
}

function packList() {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const res = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', '--update-notifier=false', '--loglevel=error'], {
		cwd: ROOT,
		env: cleanEnv(),
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(`npm pack --dry-run failed (exit ${res.status}):\n${res.stderr || res.stdout}`);
	}
	const start = res.stdout.indexOf('[');
	if (start < 0) throw new Error(`npm pack printed no JSON:\n${res.stdout}`);
	const info = JSON.parse(res.stdout.slice(start))[0];
	/** @type {string[]} */
	const files = info.files.map((/** @type {{ path: string }} */ f) => f.path.replace(/\\/g, '/'));
	return { info, files };
}

/** `file:x.svg` icon references in a built .js file (node or credential). @param {string} js */
function iconRefs(js) {
	const text = fs.readFileSync(path.join(ROOT, js), 'utf8');
	const refs = new Set();
	for (const m of text.matchAll(/['"]file:([^'"]+\.svg)['"]/g)) refs.add(path.posix.normalize(path.posix.join(path.posix.dirname(js), m[1])));
	return [...refs];
}

function main() {
	const asJson = process.argv.includes('--json');
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	/** @type {string[]} */
	const problems = [];

	const n8nFiles = [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])];
	const unbuilt = n8nFiles.filter((f) => !fs.existsSync(path.join(ROOT, f)));
	if (unbuilt.length) {
		process.stderr.write(`check-pack: the package is not built (missing ${unbuilt.join(', ')}); run \`npm run build\` first\n`);
		process.exit(1);
	}

	const { info, files } = packList();
	const set = new Set(files);

	// 1. only allowed files
	const unexpected = files.filter((f) => !(ALLOWED_TOP.has(f) || SHIPPED_DIRS.some((d) => f.startsWith(d))));
	for (const f of unexpected) {
		let why = '';
		if (/^readme/i.test(f)) why = " (npm always packs README*: move it, e.g. to docs/, or rename it so it does not start with 'README.')";
		else if (pkg.main && path.posix.normalize(pkg.main) === f) why = ' (forced in by package.json "main")';
		else if (/^(licen[cs]e|copying)/i.test(f)) why = ' (npm always packs LICENSE*/COPYING*)';
		problems.push(`unexpected file in the tarball: ${f}${why}`);
	}

	// 2. required files
	for (const f of REQUIRED_TOP) {
		if (!set.has(f)) {
			const hint = f === 'CHANGELOG.md' ? ' (npm does not pack it by itself: add "CHANGELOG.md" to package.json "files")' : '';
			problems.push(`missing from the tarball: ${f}${hint}`);
		}
	}
	for (const f of n8nFiles) if (!set.has(path.posix.normalize(f))) problems.push(`missing from the tarball: ${f} (listed in package.json "n8n")`);
	for (const node of pkg.n8n?.nodes || []) {
		const codex = node.replace(/\.js$/, '.json');
		if (fs.existsSync(path.join(ROOT, codex)) && !set.has(codex)) problems.push(`missing from the tarball: ${codex} (node codex)`);
	}
	for (const f of n8nFiles) {
		for (const icon of iconRefs(f)) if (!set.has(icon)) problems.push(`missing from the tarball: ${icon} (icon named in ${f})`);
	}
	if (!files.some((f) => f.startsWith('dist/'))) problems.push('the tarball holds nothing from dist/');

	// 3. source maps must not point outside dist/
	for (const f of files.filter((x) => x.endsWith('.map'))) {
		try {
			const map = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));
			const root = map.sourceRoot || '';
			for (const src of map.sources || []) {
				const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(f), root, src));
				if (!resolved.startsWith('dist/') || !set.has(resolved)) {
					problems.push(`source map ${f} points at ${src} (${resolved}), which is not in the tarball; build without source maps or inline the sources`);
					break;
				}
			}
		} catch (e) {
			problems.push(`source map ${f} is not valid JSON: ${/** @type {Error} */ (e).message}`);
		}
	}
	for (const f of files.filter((x) => /\.(js|cjs)$/.test(x))) {
		const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
		const m = /[#@] sourceMappingURL=(?!data:)(\S+)\s*$/.exec(text);
		if (m) {
			const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]));
			if (!set.has(target)) problems.push(`${f} names a source map ${m[1]} that is not in the tarball`);
		}
	}

	// 4. what the shipped JavaScript requires
	for (const f of files.filter((x) => /\.(js|cjs)$/.test(x))) {
		const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
		for (const name of requiredModules(text)) {
			if (!ALLOWED_REQUIRES.has(name)) problems.push(`${f} requires "${name}", which a user's n8n does not provide (only n8n-workflow and crypto)`);
		}
	}

	// 5. package.json
	if (pkg.main === undefined) problems.push('package.json has no "main" (index.js, which exports the node and credential classes)');
	if (pkg.main !== undefined && !set.has(path.posix.normalize(String(pkg.main)).replace(/^\.\//, ''))) {
		problems.push(`package.json "main" (${pkg.main}) is not in the tarball`);
	}
	if (pkg.dependencies && Object.keys(pkg.dependencies).length) {
		problems.push(`package.json has runtime "dependencies" (${Object.keys(pkg.dependencies).join(', ')}); n8n community nodes must have none`);
	}

	const summary = {
		ok: problems.length === 0,
		filename: info.filename,
		entryCount: info.entryCount,
		size: info.size,
		unpackedSize: info.unpackedSize,
		topLevel: files.filter((f) => !f.startsWith('dist/')),
		distFiles: files.filter((f) => f.startsWith('dist/')).length,
		problems,
	};
	if (asJson) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
	else {
		process.stdout.write(
			`check-pack: ${info.filename}: ${info.entryCount} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked\n` +
				`  top level: ${summary.topLevel.join(', ')}; dist/: ${summary.distFiles} files\n`,
		);
		if (problems.length) process.stdout.write(`${problems.map((p) => `  ✗ ${p}`).join('\n')}\n`);
		process.stdout.write(problems.length ? `check-pack: FAILED (${problems.length} problem${problems.length > 1 ? 's' : ''})\n` : 'check-pack: OK\n');
	}
	process.exit(problems.length ? 1 : 0);
}

if (require.main === module) {
	try {
		main();
	} catch (e) {
		process.stderr.write(`check-pack: ${/** @type {Error} */ (e).message}\n`);
		process.exit(1);
	}
}

module.exports = { requiredModules, ALLOWED_REQUIRES };
