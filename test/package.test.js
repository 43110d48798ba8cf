'use strict';
// The tarball users get: what scripts/check-pack.js allows, and an entry point that loads the node
// and the credential with nothing but n8n-workflow beside it. Needs `npm run build` (npm test runs it).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const { packPackage, REPO_ROOT } = require('./support/n8n');
const { requiredModules, ALLOWED_REQUIRES } = require('../scripts/check-pack');

test('check-pack finds the built tarball clean', () => {
	const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-pack.js'), '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
	const summary = JSON.parse(res.stdout);
	expect(summary.problems).toEqual([]);
	expect(res.status).toBe(0);
	expect(summary.topLevel).toContain('index.js');
});

test('check-pack flags a require of anything but n8n-workflow, crypto and own files', () => {
	const found = requiredModules(
		"const a = require('axios'); const w = require(\"n8n-workflow\"); const c = require('crypto'); const t = require('./transport'); import('n8n-core');",
	);
	expect(found.filter((name) => !ALLOWED_REQUIRES.has(name)).sort()).toEqual(['axios', 'n8n-core']);
});

test('the packed package loads by its entry point beside n8n-workflow alone', async () => {
	const tgz = await packPackage();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fxiaoke-require-'));
	try {
		const modules = path.join(root, 'node_modules');
		const pkgDir = path.join(modules, 'n8n-nodes-fxiaoke');
		fs.mkdirSync(pkgDir, { recursive: true });
		execFileSync('tar', ['-xzf', tgz, '-C', pkgDir, '--strip-components=1']);
		fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'n8n-workflow'), path.join(modules, 'n8n-workflow'), 'dir');
		const script = `const p = require('n8n-nodes-fxiaoke'); const n = new p.Fxiaoke(); const c = new p.FxiaokeApi();
			process.stdout.write(JSON.stringify({ keys: Object.keys(p).sort(), node: n.description.name, credential: c.name }));`;
		// A separate process with no access to this repository's node_modules.
		const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, NODE_PATH: '' } });
		expect(JSON.parse(out)).toEqual({ keys: ['Fxiaoke', 'FxiaokeApi'], node: 'fxiaoke', credential: 'fxiaokeApi' });
	} finally {
		fs.rmSync(root, { recursive: true, force: true });
		fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	}
}, 120000);
