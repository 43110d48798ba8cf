'use strict';
/**
 * Queue-mode harness: a REAL n8n (2.41.1 by default) in queue mode, i.e. one main (`n8n start`)
 * and K workers (`n8n worker --concurrency=C`), EXECUTIONS_MODE=queue, on PostgreSQL and Redis
 * (see shared/n8n/NOTES.md §6). The package is packed and installed as a custom package exactly as
 * ./n8n.js does (node type `CUSTOM.fxiaoke`, credential `fxiaokeApi`); ./n8n.js is used, not changed.
 *
 *   const q = await startQueue({ workers: 2, concurrency: 5, credentials: [cred], workflows: [wf] });
 *   await q.webhook('my-path', { ... });  // POST http://127.0.0.1:<main>/webhook/my-path
 *   await q.executions();                 // execution_entity rows (+ which worker ran each)
 *   await q.stop();                       // kills every process, drops the database, deletes the Redis keys
 *
 * Single-process mode: `workers: 0` starts the main alone with EXECUTIONS_MODE=regular (it runs every
 * execution itself; no Bull queue, no worker), still on a Postgres database of its own, so
 * executions(), credentialRows() etc. work the same; `q.mode` is 'regular' then, else 'queue'. Redis is
 * still looked up and the prefix marked (n8n writes no key of it in regular mode), so stop() and
 * leftovers() are the same in both modes.
 *
 * Isolation: every instance creates its own database `fxq_<random>` and uses its own Redis key prefix
 * `fxq<random>` (QUEUE_BULL_PREFIX for Bull, N8N_REDIS_KEY_PREFIX for pub/sub channels and the cache);
 * stop() drops only that database and deletes only keys starting with that prefix.
 *
 * Infrastructure: PostgreSQL on 127.0.0.1:5432 (trust auth; user `postgres`, else `root`) and Redis on
 * 127.0.0.1:6379. When they do not answer, private ones are started from the installed server binaries
 * (initdb/pg_ctl under /usr/lib/postgresql/<v>/bin or on PATH, redis-server) on free loopback ports in
 * a temp dir, and stopped by stop(). If that is impossible too, startQueue throws an Error saying what
 * to install. Override with FXQ_PG_HOST / FXQ_PG_PORT / FXQ_PG_USER / FXQ_PG_PASSWORD and
 * FXQ_REDIS_HOST / FXQ_REDIS_PORT; FXQ_PRIVATE_INFRA=1 forces private servers.
 *
 * Activation: a workflow with a trigger goes live with `n8n publish:workflow --id=` (2.x; done here
 * by the same UPDATE in the database, without a CLI boot per workflow), which only takes effect when
 * the main (re)starts. Pass `workflows` (and `credentials`) to startQueue:
 * they are imported and published before the main starts. publish() on a running harness restarts
 * the main (workers keep running).
 *
 * Task runners: N8N_RUNNERS_MODE=external (no runner processes; a Code node would fail) unless
 * `runners: 'internal'`; every process still gets its own N8N_RUNNERS_BROKER_PORT.
 *
 * The pg, ioredis and flatted modules come from n8n's own install (pure JS, load under this Node).
 * Nothing is printed unless DEBUG_E2E is set. FXQ_TGZ=<file> uses a packed .tgz instead of packing dist/.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');

const {
	DEFAULT_N8N_VERSION,
	ensureN8n,
	packPackage,
	createN8nHome,
	removeN8nHome,
	freePort,
	cleanEnv,
	killGroup,
	parseJson,
	publishStatement,
	assertPublished,
} = require('./n8n');

const DEBUG = Boolean(process.env.DEBUG_E2E);
/** @param {...unknown} args */
function debug(...args) {
	if (DEBUG) process.stderr.write(`[queue] ${args.map(String).join(' ')}\n`);
}
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** @param {string} text @param {number} [max] */
const tail = (text, max = 4000) => (text.length > max ? `…${text.slice(-max)}` : text);

// ---------------------------------------------------------------------------------------------
// Long-running processes in their own process group (so a kill reaches n8n and its children)
// ---------------------------------------------------------------------------------------------

/** @type {Set<number>} */
const liveGroups = new Set();
process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});


/**
 * @typedef {object} LongProcess
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => string} text     everything it printed so far (stdout + stderr, interleaved)
 * @property {string} logFile
 * @property {Promise<{ code: number | null, signal: string | null }>} exited
 * @property {boolean} running
 * @property {(pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>} waitFor
 * @property {(graceMs?: number) => Promise<void>} stop
 */

/**
 * @param {string} name @param {string} cmd @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, logFile: string }} opts
 * @returns {LongProcess}
 */
function startLong(name, cmd, args, opts) {
	const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	if (child.pid) liveGroups.add(child.pid);
	const log = fs.createWriteStream(opts.logFile, { flags: 'a' });
	log.write(`$ ${cmd} ${args.join(' ')}\n`);
	let text = '';
	/** @type {Array<() => void>} */
	let listeners = [];
	/** @param {Buffer} d */
	const onData = (d) => {
		text += d;
		log.write(d);
		if (DEBUG) process.stderr.write(`[${name}] ${d}`);
		for (const l of listeners) l();
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	/** @type {LongProcess} */
	const proc = {
		name,
		child,
		logFile: opts.logFile,
		text: () => text,
		running: true,
		exited: new Promise((resolve) => {
			child.on('close', (code, signal) => {
				proc.running = false;
				if (child.pid) liveGroups.delete(child.pid);
				log.end(`\n[exit ${code}${signal ? ` ${signal}` : ''}]\n`);
				for (const l of listeners) l();
				resolve({ code, signal });
			});
			child.on('error', (err) => {
				text += `\n[spawn error] ${err.message}\n`;
				proc.running = false;
				for (const l of listeners) l();
				resolve({ code: null, signal: null });
			});
		}),
		waitFor(pattern, timeoutMs) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const m = text.match(pattern);
					if (m) return done(() => resolve(m));
					if (!proc.running) return done(() => reject(new Error(`${name} exited before printing ${pattern}\n${tail(text)}`)));
					return undefined;
				};
				const timer = setTimeout(() => done(() => reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms\n${tail(text)}`))), timeoutMs);
				/** @param {() => void} settle */
				const done = (settle) => {
					clearTimeout(timer);
					listeners = listeners.filter((l) => l !== check);
					settle();
				};
				listeners.push(check);
				check();
			});
		},
		async stop(graceMs = 8000) {
			if (!proc.running) return;
			killGroup(child.pid, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
			await proc.exited;
			clearTimeout(timer);
			// n8n may leave children (task runners) behind in its group
			killGroup(child.pid, 'SIGKILL');
		},
	};
	return proc;
}

/** @param {string} url @param {number} [timeoutMs] @returns {Promise<number>} HTTP status, 0 if unreachable */
function httpStatus(url, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: timeoutMs }, (res) => {
			res.resume();
			resolve(res.statusCode || 0);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
	});
}

/** Poll until `url` answers 200 (or the process dies). @param {LongProcess} proc @param {string} url @param {number} timeoutMs */
async function waitHttpOk(proc, url, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if ((await httpStatus(url)) === 200) return;
		if (!proc.running) throw new Error(`${proc.name} exited while waiting for ${url}\n${tail(proc.text())}`);
		if (Date.now() > deadline) throw new Error(`${proc.name}: ${url} not ready within ${timeoutMs} ms\n${tail(proc.text())}`);
		await sleep(300);
	}
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL and Redis: the machine's, or private ones
// ---------------------------------------------------------------------------------------------

/** n8n's own copy of a pure-JS module. @param {{ dir: string }} n8n @param {string} name */
function n8nModule(n8n, name) {
	return require(path.join(n8n.dir, 'node_modules', name));
}

/** @param {string} host @param {number} port @param {number} [timeoutMs] */
function tcpOpen(host, port, timeoutMs = 1500) {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port });
		const done = (/** @type {boolean} */ ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.on('connect', () => done(true));
		socket.on('error', () => done(false));
	});
}

/** Redis PING over a raw socket (no client library needed). @param {string} host @param {number} port */
function redisPing(host, port, timeoutMs = 1500) {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port });
		let reply = '';
		const done = (/** @type {boolean} */ ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			reply += d;
			if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
		});
		socket.on('error', () => done(false));
	});
}

/**
 * @typedef {{ host: string, port: number, user: string, password: string }} PgServer
 * @typedef {{ host: string, port: number }} RedisServer
 */

/** @param {any} pg @param {PgServer} server @param {string} database @param {string} sql @param {unknown[]} [params] */
async function pgQuery(pg, server, database, sql, params) {
	const client = new pg.Client({ ...server, database, connectionTimeoutMillis: 5000 });
	await client.connect();
	try {
		return await client.query(sql, params);
	} finally {
		await client.end().catch(() => undefined);
	}
}

/** @param {any} pg @param {PgServer} server */
async function pgWorks(pg, server) {
	try {
		await pgQuery(pg, server, 'postgres', 'select 1');
		return true;
	} catch (error) {
		debug(`postgres ${server.user}@${server.host}:${server.port}: ${/** @type {Error} */ (error).message}`);
		return false;
	}
}

/** @param {string} name */
function which(name) {
	const res = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
	return res.status === 0 ? res.stdout.trim() : undefined;
}

/** Directory with initdb + pg_ctl + postgres, newest version first. */
function findPgBin() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length) return path.join(root, versions[0], 'bin');
	const initdb = which('initdb');
	if (initdb && which('pg_ctl')) return path.dirname(fs.realpathSync(initdb));
	return undefined;
}

const INSTALL_HINT =
	'Install them, e.g. on Debian/Ubuntu: `apt-get install postgresql redis-server` (or run PostgreSQL with trust auth on ' +
	'127.0.0.1:5432 for user postgres, and Redis on 127.0.0.1:6379), or point FXQ_PG_HOST/FXQ_PG_PORT/FXQ_PG_USER and ' +
	'FXQ_REDIS_HOST/FXQ_REDIS_PORT at running servers.';

/**
 * A private PostgreSQL cluster in a temp dir of its own on a free port (trust auth, user postgres).
 * As root, initdb and postgres refuse to run, so they run as the `postgres` system user (which must
 * be able to enter the dir: hence not under the harness's 0700 temp dir).
 * @returns {Promise<{ server: PgServer, stop: () => Promise<void> }>}
 */
async function startPrivatePostgres() {
	const bin = findPgBin();
	if (!bin) throw new Error(`PostgreSQL does not answer on 127.0.0.1:5432 and no initdb/pg_ctl is installed. ${INSTALL_HINT}`);
	/** @type {string[]} */
	let prefix = [];
	/** @type {{ uid: number, gid: number } | undefined} */
	let owner;
	if (typeof process.getuid === 'function' && process.getuid() === 0) {
		const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
		const runuser = which('runuser');
		if (id.status !== 0 || !runuser) {
			throw new Error(`PostgreSQL is not running and initdb cannot run as root without a "postgres" system user (and runuser). ${INSTALL_HINT}`);
		}
		owner = { uid: Number(id.stdout.trim()), gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()) };
		prefix = [runuser, '-u', 'postgres', '--'];
	}
	const port = await freePort();
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fxq-pg-'));
	const data = path.join(dir, 'pgdata');
	fs.mkdirSync(data, { recursive: true });
	if (owner) {
		fs.chmodSync(dir, 0o755);
		fs.chownSync(dir, owner.uid, owner.gid);
		fs.chownSync(data, owner.uid, owner.gid);
	}
	const runAs = (/** @type {string} */ cmd, /** @type {string[]} */ args) => {
		const full = [...prefix, path.join(bin, cmd), ...args];
		const res = spawnSync(full[0], full.slice(1), { encoding: 'utf8', cwd: dir, timeout: 120_000 });
		if (res.status !== 0) throw new Error(`${cmd} failed (${res.status}): ${tail(`${res.stdout}\n${res.stderr}`, 2000)}\n${INSTALL_HINT}`);
		return res;
	};
	const removeDir = () => fsp.rm(dir, { recursive: true, force: true });
	try {
		runAs('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
		const logFile = path.join(dir, 'postgres.log');
		runAs('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
	} catch (error) {
		await removeDir();
		throw error;
	}
	debug(`private postgres on 127.0.0.1:${port} (${data})`);
	return {
		server: { host: '127.0.0.1', port, user: 'postgres', password: '' },
		stop: async () => {
			try {
				runAs('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
			} catch (error) {
				debug(`pg_ctl stop: ${/** @type {Error} */ (error).message}`);
			}
			await removeDir();
		},
	};
}

/** @param {string} dir @returns {Promise<{ server: RedisServer, stop: () => Promise<void> }>} */
async function startPrivateRedis(dir) {
	const bin = which('redis-server');
	if (!bin) throw new Error(`Redis does not answer on 127.0.0.1:6379 and redis-server is not installed. ${INSTALL_HINT}`);
	const port = await freePort();
	const proc = startLong('redis', bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		cwd: dir,
		env: process.env,
		logFile: path.join(dir, 'redis.log'),
	});
	const deadline = Date.now() + 20_000;
	while (!(await redisPing('127.0.0.1', port))) {
		if (!proc.running || Date.now() > deadline) {
			await proc.stop(1000);
			throw new Error(`could not start redis-server: ${tail(proc.text(), 2000)}\n${INSTALL_HINT}`);
		}
		await sleep(100);
	}
	debug(`private redis on 127.0.0.1:${port}`);
	return { server: { host: '127.0.0.1', port }, stop: () => proc.stop(3000) };
}

/**
 * The machine's PostgreSQL and Redis, else private ones.
 * @param {{ dir: string }} n8n
 * @param {string} tmp  for private servers
 * @returns {Promise<{ pg: PgServer, redis: RedisServer, private: string[], stop: () => Promise<void> }>}
 */
async function ensureInfra(n8n, tmp) {
	const pg = n8nModule(n8n, 'pg');
	const forcePrivate = process.env.FXQ_PRIVATE_INFRA === '1';
	/** @type {Array<() => Promise<void>>} */
	const stops = [];
	/** @type {string[]} */
	const privateOnes = [];
	const stopAll = async () => {
		for (const s of stops.reverse()) await s();
	};
	try {
		/** @type {PgServer | undefined} */
		let pgServer;
		if (!forcePrivate) {
			const host = process.env.FXQ_PG_HOST || '127.0.0.1';
			const port = Number(process.env.FXQ_PG_PORT || 5432);
			const users = process.env.FXQ_PG_USER ? [process.env.FXQ_PG_USER] : ['postgres', 'root'];
			for (const user of users) {
				const candidate = { host, port, user, password: process.env.FXQ_PG_PASSWORD || '' };
				if (await pgWorks(pg, candidate)) {
					pgServer = candidate;
					break;
				}
			}
			if (!pgServer && process.env.FXQ_PG_HOST) throw new Error(`PostgreSQL at ${host}:${port} (FXQ_PG_HOST) does not accept ${users.join('/')}`);
		}
		if (!pgServer) {
			const priv = await startPrivatePostgres();
			stops.push(priv.stop);
			privateOnes.push('postgres');
			pgServer = priv.server;
			if (!(await pgWorks(pg, pgServer))) throw new Error(`the private PostgreSQL on port ${pgServer.port} does not answer. ${INSTALL_HINT}`);
		}

		/** @type {RedisServer | undefined} */
		let redisServer;
		if (!forcePrivate) {
			const host = process.env.FXQ_REDIS_HOST || '127.0.0.1';
			const port = Number(process.env.FXQ_REDIS_PORT || 6379);
			if (await redisPing(host, port)) redisServer = { host, port };
			else if (process.env.FXQ_REDIS_HOST) throw new Error(`Redis at ${host}:${port} (FXQ_REDIS_HOST) does not answer PING`);
		}
		if (!redisServer) {
			const dir = path.join(tmp, 'redis');
			fs.mkdirSync(dir, { recursive: true });
			const priv = await startPrivateRedis(dir);
			stops.push(priv.stop);
			privateOnes.push('redis');
			redisServer = priv.server;
		}
		return { pg: pgServer, redis: redisServer, private: privateOnes, stop: stopAll };
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** Every Redis key starting with `prefix` (also `{prefix…` as n8n writes in cluster mode). @param {any} Redis @param {RedisServer} server @param {string} prefix */
async function redisKeys(Redis, server, prefix, del = false) {
	const redis = new Redis({ host: server.host, port: server.port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
	await redis.connect();
	try {
		/** @type {string[]} */
		const found = [];
		for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
			let cursor = '0';
			do {
				const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
				cursor = next;
				// the pattern's `*` is a glob; keep only exact prefix matches
				const own = keys.filter((/** @type {string} */ k) => k.startsWith(prefix) || k.startsWith(`{${prefix}`));
				found.push(...own);
				if (del && own.length) await redis.del(...own);
			} while (cursor !== '0');
		}
		return found;
	} finally {
		redis.disconnect();
	}
}

// ---------------------------------------------------------------------------------------------
// Owner marks: a run that was killed (Ctrl-C, a dying jest worker) cannot drop its database or
// delete its keys; the next start removes them. Only names this harness makes (fxq_<10 hex>,
// fxq<10 hex>) that carry its mark with a dead pid of this host are touched.
// ---------------------------------------------------------------------------------------------

const OWNER_MARK = 'fxq-harness';
const DB_NAME = /^fxq_[0-9a-f]{10}$/;
const KEY_PREFIX = /^fxq[0-9a-f]{10}$/;

function ownerNote() {
	return `${OWNER_MARK} pid=${process.pid} host=${os.hostname()} started=${new Date().toISOString()}`;
}

/** @param {string | null | undefined} note */
function isStaleNote(note) {
	const m = /^fxq-harness pid=(\d+) host=(\S+)/.exec(note || '');
	if (!m || m[2] !== os.hostname()) return false;
	try {
		process.kill(Number(m[1]), 0);
		return false;
	} catch (error) {
		return /** @type {NodeJS.ErrnoException} */ (error).code === 'ESRCH';
	}
}

/**
 * Drop databases and delete Redis keys left by harness runs whose process is gone.
 * @param {any} pg @param {PgServer} pgServer @param {any} Redis @param {RedisServer} redisServer
 * @returns {Promise<{ databases: string[], prefixes: string[] }>}
 */
async function sweepStale(pg, pgServer, Redis, redisServer) {
	const swept = { databases: /** @type {string[]} */ ([]), prefixes: /** @type {string[]} */ ([]) };
	const dbs = await pgQuery(pg, pgServer, 'postgres', "SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname LIKE 'fxq\\_%'");
	for (const row of dbs.rows) {
		if (!DB_NAME.test(row.datname) || !isStaleNote(row.note)) continue;
		await pgQuery(pg, pgServer, 'postgres', `DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
		swept.databases.push(row.datname);
	}
	const redis = new Redis({ host: redisServer.host, port: redisServer.port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
	await redis.connect();
	try {
		let cursor = '0';
		/** @type {string[]} */
		const owners = [];
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', 'fxq*:fxq-owner', 'COUNT', 1000);
			cursor = next;
			owners.push(...keys);
		} while (cursor !== '0');
		for (const key of owners) {
			const prefix = key.slice(0, -':fxq-owner'.length);
			if (!KEY_PREFIX.test(prefix) || !isStaleNote(await redis.get(key))) continue;
			swept.prefixes.push(prefix);
		}
	} finally {
		redis.disconnect();
	}
	for (const prefix of swept.prefixes) await redisKeys(Redis, redisServer, prefix, true);
	if (swept.databases.length || swept.prefixes.length) debug(`swept stale ${JSON.stringify(swept)}`);
	return swept;
}

/** Mark a prefix as ours (deleted with the prefix at teardown). @param {any} Redis @param {RedisServer} server @param {string} prefix */
async function markPrefix(Redis, server, prefix) {
	const redis = new Redis({ host: server.host, port: server.port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
	await redis.connect();
	try {
		await redis.set(`${prefix}:fxq-owner`, ownerNote());
	} finally {
		redis.disconnect();
	}
}

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} QueueOptions
 * @property {number} [workers]        default 2; 0 = single process (EXECUTIONS_MODE=regular)
 * @property {number} [concurrency]    per worker, default 5
 * @property {NodeJS.ProcessEnv} [env] extra env for every n8n process (main, workers, CLI)
 * @property {NodeJS.ProcessEnv} [workerEnv] extra env for workers only
 * @property {string} [version]        n8n version, default 2.41.1 (N8N_E2E_VERSION)
 * @property {string} [tgz]            packed package; default FXQ_TGZ or `npm pack` of dist/
 * @property {object[]} [credentials]  imported before the main starts
 * @property {object[]} [workflows]    imported and published before the main starts
 * @property {'external'|'internal'} [runners] default 'external'
 * @property {'error'|'warn'|'info'|'debug'} [logLevel] default 'info' (workerOf needs info)
 * @property {number} [startTimeoutMs] per process, default 180 s
 */

/**
 * @typedef {object} ExecutionRow
 * @property {number} id
 * @property {string} workflowId
 * @property {string} status   new | running | success | error | crashed | canceled | waiting
 * @property {string} mode
 * @property {boolean} finished
 * @property {Date|null} createdAt
 * @property {Date|null} startedAt
 * @property {Date|null} stoppedAt
 * @property {number|undefined} worker  index of the worker that ran it (from its log), undefined if unknown
 * @property {any} [data]       parsed execution data (IRunExecutionData) with { withData: true }
 */

/**
 * @param {QueueOptions} [opts]
 */
async function startQueue(opts = {}) {
	const version = opts.version || process.env.N8N_E2E_VERSION || DEFAULT_N8N_VERSION;
	const workerCount = opts.workers ?? 2;
	/** workers: 0 → regular mode: the main runs the executions */
	const mode = workerCount > 0 ? 'queue' : 'regular';
	const concurrency = opts.concurrency ?? 5;
	const startTimeoutMs = opts.startTimeoutMs ?? 180_000;
	const n8n = await ensureN8n(version);
	const packed = !(opts.tgz || process.env.FXQ_TGZ);
	const tgz = opts.tgz || process.env.FXQ_TGZ || (await packPackage());
	const tag = crypto.randomBytes(5).toString('hex');
	const database = `fxq_${tag}`;
	const prefix = `fxq${tag}`;
	const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `fxq-${tag}-`));
	const logDir = path.join(tmp, 'logs');
	fs.mkdirSync(logDir, { recursive: true });

	/** @type {Array<() => Promise<void>>} undo steps, run in reverse by stop() */
	const undo = [];
	let stopped = false;
	/** @type {LongProcess | undefined} */
	let main;
	/** @type {Array<{ index: number, proc: LongProcess, healthPort: number, brokerPort: number, log: () => string, logFile: string }>} */
	const workers = [];

	const pg = n8nModule(n8n, 'pg');
	const Redis = n8nModule(n8n, 'ioredis');
	const flatted = n8nModule(n8n, 'flatted');

	async function stop() {
		if (stopped) return;
		stopped = true;
		const errors = [];
		for (const step of undo.reverse()) {
			try {
				await step();
			} catch (error) {
				errors.push(error);
			}
		}
		if (errors.length) throw errors[0];
	}

	// tmp holds the logs and, for private servers, their data: removed last
	undo.push(async () => {
		if (packed) await fsp.rm(path.dirname(tgz), { recursive: true, force: true });
		if (!process.env.E2E_KEEP_HOME) await fsp.rm(tmp, { recursive: true, force: true });
		else debug(`kept ${tmp}`);
	});

	try {
		const infra = await ensureInfra(n8n, tmp);
		undo.push(() => infra.stop());

		await sweepStale(pg, infra.pg, Redis, infra.redis);
		await pgQuery(pg, infra.pg, 'postgres', `CREATE DATABASE "${database}"`);
		undo.push(async () => {
			await pgQuery(pg, infra.pg, 'postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
		});
		await pgQuery(pg, infra.pg, 'postgres', `COMMENT ON DATABASE "${database}" IS '${ownerNote()}'`);
		undo.push(async () => {
			await redisKeys(Redis, infra.redis, prefix, true);
		});
		await markPrefix(Redis, infra.redis, prefix);

		const runnersMode = opts.runners || 'external';
		const home = await createN8nHome({
			tgz,
			version,
			logLevel: opts.logLevel || 'info',
			env: {
				EXECUTIONS_MODE: mode,
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: infra.pg.host,
				DB_POSTGRESDB_PORT: String(infra.pg.port),
				DB_POSTGRESDB_DATABASE: database,
				DB_POSTGRESDB_USER: infra.pg.user,
				DB_POSTGRESDB_PASSWORD: infra.pg.password,
				DB_POSTGRESDB_POOL_SIZE: '4',
				...(mode === 'queue'
					? {
							QUEUE_BULL_REDIS_HOST: infra.redis.host,
							QUEUE_BULL_REDIS_PORT: String(infra.redis.port),
							QUEUE_BULL_PREFIX: prefix,
							N8N_REDIS_KEY_PREFIX: prefix,
						}
					: {}),
				N8N_RUNNERS_MODE: runnersMode,
				...(runnersMode === 'external' ? { N8N_RUNNERS_AUTH_TOKEN: crypto.randomBytes(16).toString('hex') } : {}),
				// manual executions (none here) would run on the workers too, like webhook ones
				...(mode === 'queue' ? { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' } : {}),
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
				EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
				EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
				EXECUTIONS_DATA_PRUNE: 'false',
				...(opts.env || {}),
			},
		});
		undo.push(() => removeN8nHome(home));

		/**
		 * Environment of one process: its own broker port and event-log name.
		 * @param {string} role @param {NodeJS.ProcessEnv} [extra]
		 */
		async function envFor(role, extra = {}) {
			return {
				...home.env,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				N8N_EVENTBUS_LOGWRITER_LOGBASENAME: `n8nEventLog-${role}`,
				...extra,
			};
		}

		/** Run an n8n CLI command against the database; throws on failure. @param {string[]} args */
		async function cli(args, timeoutMs = 5 * 60 * 1000) {
			const role = `cli-${args[0].replace(/[^a-z]/gi, '')}-${crypto.randomBytes(2).toString('hex')}`;
			const proc = startLong(role, home.n8n.node, [home.n8n.n8nBin, ...args], {
				cwd: home.dir,
				env: await envFor(role),
				logFile: path.join(logDir, `${role}.log`),
			});
			const timer = setTimeout(() => killGroup(proc.child.pid, 'SIGKILL'), timeoutMs);
			const { code } = await proc.exited;
			clearTimeout(timer);
			if (code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${code})\n${tail(proc.text())}`);
			return proc.text();
		}

		/** @param {string} name @param {unknown} data */
		async function writeIo(name, data) {
			const dir = path.join(home.dir, 'e2e-io');
			fs.mkdirSync(dir, { recursive: true });
			const file = path.join(dir, `${Date.now()}-${crypto.randomBytes(3).toString('hex')}-${name}`);
			await fsp.writeFile(file, JSON.stringify(data, null, 2), { mode: 0o600 });
			return file;
		}

		/** @param {object[]} creds */
		async function importCredentials(creds) {
			const file = await writeIo('credentials.json', creds);
			try {
				return await cli(['import:credentials', `--input=${file}`]);
			} finally {
				await fsp.rm(file, { force: true });
			}
		}

		/** @param {object | object[]} wf */
		async function importWorkflow(wf) {
			const file = await writeIo('workflows.json', Array.isArray(wf) ? wf : [wf]);
			try {
				return await cli(['import:workflow', `--input=${file}`]);
			} finally {
				await fsp.rm(file, { force: true });
			}
		}

		async function startMain() {
			const proc = startLong('main', home.n8n.node, [home.n8n.n8nBin, 'start'], {
				cwd: home.dir,
				env: await envFor('main', { N8N_PORT: String(home.port) }),
				logFile: path.join(logDir, 'main.log'),
			});
			main = proc;
			await proc.waitFor(/Editor is now accessible via/, startTimeoutMs);
			await waitHttpOk(proc, `http://127.0.0.1:${home.port}/healthz/readiness`, startTimeoutMs);
			// 2.41 registers the webhooks of published workflows asynchronously, after the line above
			// (the workflow publication reconciler); a request before that gets a 404
			const deadline = Date.now() + 60_000;
			for (;;) {
				const missing = await pgQuery(
					pg,
					infra.pg,
					database,
					`SELECT w.id FROM workflow_entity w WHERE w.active AND w.nodes::text LIKE '%n8n-nodes-base.webhook%'
					 AND NOT EXISTS (SELECT 1 FROM webhook_entity h WHERE h."workflowId" = w.id)`,
				);
				if (missing.rowCount === 0) break;
				if (!proc.running || Date.now() > deadline) {
					throw new Error(`webhooks of published workflows ${missing.rows.map((r) => r.id).join(', ')} were not registered\n${tail(proc.text())}`);
				}
				await sleep(200);
			}
			debug(`main ready on ${home.port}`);
		}

		/** @param {number} index */
		async function startWorker(index) {
			const healthPort = await freePort();
			const env = await envFor(`worker${index}`, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				...(opts.workerEnv || {}),
			});
			const logFile = path.join(logDir, `worker${index}.log`);
			const proc = startLong(`worker${index}`, home.n8n.node, [home.n8n.n8nBin, 'worker', `--concurrency=${concurrency}`], {
				cwd: home.dir,
				env,
				logFile,
			});
			const worker = { index, proc, healthPort, brokerPort: Number(env.N8N_RUNNERS_BROKER_PORT), log: () => proc.text(), logFile };
			workers.push(worker);
			await proc.waitFor(/n8n worker is now ready/, startTimeoutMs);
			await waitHttpOk(proc, `http://127.0.0.1:${healthPort}/healthz/readiness`, startTimeoutMs);
			debug(`worker${index} ready (health ${healthPort})`);
			return worker;
		}

		undo.push(async () => {
			await Promise.all([...workers.map((w) => w.proc.stop()), main ? main.stop() : Promise.resolve()]);
		});

		/** n8n.js's publishStatement (what publish:workflow does) on this database. @param {string[]} ids */
		async function publishInDatabase(ids) {
			if (ids.length === 0) return;
			const res = await pgQuery(pg, infra.pg, database, publishStatement(ids, (i) => `$${i + 1}`), ids);
			assertPublished(res.rowCount, ids);
		}

		// schema (migrations run in the first CLI command), then data, then processes
		if (opts.credentials && opts.credentials.length) await importCredentials(opts.credentials);
		if (opts.workflows && opts.workflows.length) {
			await importWorkflow(opts.workflows);
			await publishInDatabase(opts.workflows.filter((wf) => /** @type {any} */ (wf).publish !== false).map((wf) => /** @type {any} */ (wf).id));
		}
		await startMain();
		// workers one after the other: both cores are busy while one boots
		for (let i = 0; i < workerCount; i++) await startWorker(i);

		const mainUrl = `http://127.0.0.1:${home.port}`;

		/** @param {string} sql @param {unknown[]} [params] */
		const query = async (sql, params) => (await pgQuery(pg, infra.pg, database, sql, params)).rows;

		/** execution id → worker index, from "Worker started execution N" in the worker logs. */
		function executionWorkers() {
			/** @type {Map<number, number>} */
			const map = new Map();
			for (const w of workers) {
				for (const m of w.log().matchAll(/Worker started execution (\d+)/g)) map.set(Number(m[1]), w.index);
			}
			return map;
		}

		const harness = {
			/** 'queue' (main + workers) or 'regular' (workers: 0, the main runs the executions) */
			mode,
			mainUrl,
			database,
			prefix,
			home,
			logDir,
			infra: { pg: { ...infra.pg }, redis: { ...infra.redis }, private: infra.private },
			workers,
			get main() {
				return main;
			},
			stop,
			cli,
			query,
			importCredentials,
			importWorkflow,
			/**
			 * Publish (activate) a workflow. publish:workflow only takes effect at the main's start, so a
			 * running main is restarted (the workers keep running).
			 * @param {string} workflowId
			 */
			/**
			 * Start more workers on the running harness (one after the other), e.g. to go from 2 to 4
			 * without a second main, database and imports.
			 * @param {number} count
			 */
			async addWorkers(count) {
				for (let i = 0; i < count; i++) await startWorker(workers.length);
			},
			async publish(workflowId) {
				await publishInDatabase([workflowId]);
				if (main && main.running) {
					await main.stop();
					await startMain();
				}
			},
			/**
			 * POST JSON to the production webhook; never throws on an HTTP status.
			 * @param {string} webhookPath @param {unknown} body @param {{ timeoutMs?: number }} [o]
			 * @returns {Promise<{ status: number, body: any, text: string, ms: number }>}
			 */
			webhook(webhookPath, body, o = {}) {
				const started = Date.now();
				const payload = JSON.stringify(body ?? {});
				return new Promise((resolve, reject) => {
					const req = http.request(
						`${mainUrl}/webhook/${webhookPath}`,
						{
							method: 'POST',
							headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
							timeout: o.timeoutMs ?? 5 * 60 * 1000,
							agent: false,
						},
						(res) => {
							let text = '';
							res.setEncoding('utf8');
							res.on('data', (d) => (text += d));
							res.on('end', () => resolve({ status: res.statusCode || 0, body: parseJson(text), text, ms: Date.now() - started }));
						},
					);
					req.on('timeout', () => req.destroy(new Error(`webhook ${webhookPath} timed out`)));
					req.on('error', reject);
					req.end(payload);
				});
			},
			/**
			 * execution_entity rows in id order, with the worker that ran each (from the logs).
			 * @param {{ withData?: boolean, workflowId?: string }} [o]
			 * @returns {Promise<ExecutionRow[]>}
			 */
			async executions(o = {}) {
				const rows = await query(
					`SELECT e.id, e."workflowId", e.status, e.mode, e.finished, e."createdAt", e."startedAt", e."stoppedAt"
					 ${o.withData ? ', d.data AS "rawData"' : ''}
					 FROM execution_entity e ${o.withData ? 'LEFT JOIN execution_data d ON d."executionId" = e.id' : ''}
					 ${o.workflowId ? 'WHERE e."workflowId" = $1' : ''}
					 ORDER BY e.id`,
					o.workflowId ? [o.workflowId] : undefined,
				);
				const byWorker = executionWorkers();
				return rows.map((/** @type {any} */ row) => {
					const { rawData, ...rest } = row;
					/** @type {ExecutionRow} */
					const out = { ...rest, id: Number(row.id), worker: byWorker.get(Number(row.id)) };
					if (o.withData) {
						try {
							out.data = rawData ? flatted.parse(rawData) : undefined;
						} catch {
							out.data = undefined;
						}
					}
					return out;
				});
			},
			/**
			 * Wait until `count` executions (of a workflow, if given) have finished (not new/running/waiting).
			 * @param {number} count @param {{ timeoutMs?: number, workflowId?: string }} [o]
			 */
			async waitForExecutions(count, o = {}) {
				const deadline = Date.now() + (o.timeoutMs ?? 5 * 60 * 1000);
				for (;;) {
					const rows = await harness.executions({ workflowId: o.workflowId });
					const done = rows.filter((r) => !['new', 'running', 'waiting', 'unknown'].includes(r.status));
					if (done.length >= count) return rows;
					if (Date.now() > deadline) {
						throw new Error(`only ${done.length} of ${count} executions finished; statuses: ${JSON.stringify(rows.map((r) => r.status))}`);
					}
					await sleep(250);
				}
			},
			/** Index of the worker that ran an execution (from "Worker started execution N"), or undefined. @param {number|string} executionId */
			workerOf(executionId) {
				return executionWorkers().get(Number(executionId));
			},
			executionWorkers,
			/**
			 * The credential rows (data stays encrypted; dataHash changes whenever n8n persists a token).
			 * @param {string} [id]
			 * @returns {Promise<Array<{ id: string, name: string, type: string, createdAt: Date, updatedAt: Date, dataHash: string }>>}
			 */
			async credentialRows(id) {
				const rows = await query(
					`SELECT id, name, type, "createdAt", "updatedAt", md5(data) AS "dataHash" FROM credentials_entity ${id ? 'WHERE id = $1' : ''} ORDER BY "createdAt"`,
					id ? [id] : undefined,
				);
				return rows;
			},
			/** One credential row (the only one, or by id). @param {string} [id] */
			async credentialRow(id) {
				const rows = await harness.credentialRows(id);
				return rows[0];
			},
			/** `n8n export:credentials --all --decrypted` (a CLI run: a few seconds) → [{ id, name, type, data }]. */
			async exportCredentials() {
				const dir = path.join(home.dir, 'e2e-io');
				fs.mkdirSync(dir, { recursive: true });
				const file = path.join(dir, `export-${Date.now()}-${crypto.randomBytes(3).toString('hex')}.json`);
				try {
					await cli(['export:credentials', '--all', '--decrypted', `--output=${file}`]);
					return JSON.parse(await fsp.readFile(file, 'utf8'));
				} finally {
					await fsp.rm(file, { force: true });
				}
			},
			/** Redis keys this harness owns (its prefix). */
			redisKeys: () => redisKeys(Redis, infra.redis, prefix),
			/** Whether this harness's database still exists. */
			async databaseExists() {
				const res = await pgQuery(pg, infra.pg, 'postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [database]);
				return res.rowCount > 0;
			},
		};
		return harness;
	} catch (error) {
		const logs = [main, ...workers.map((w) => w.proc)].filter(Boolean).map((p) => `--- ${p?.name} ---\n${tail(p?.text() || '', 3000)}`);
		await stop().catch((e) => debug(`cleanup after failed start: ${e.message}`));
		if (logs.length) /** @type {Error} */ (error).message += `\n${logs.join('\n')}`;
		throw error;
	}
}

/**
 * Webhook (POST `path`, answers with every item of the last node) → Split Out of `body.<field>`
 * (each element `{ serviceId, messageId }` becomes an item) → Fxiaoke message/revoke reading both
 * from the item. No Code node (task runners are external). The Fxiaoke node continues on error, so a
 * failed item is an output item with `error` and the webhook still answers 200.
 * @param {{ path: string, credential: { id: string, name: string }, options?: Record<string, unknown>,
 *   id?: string, name?: string, field?: string, nodeType?: string, continueOnFail?: boolean,
 *   settings?: Record<string, unknown> }} o  `settings` are merged into the workflow settings
 *   (e.g. `{ executionTimeout: 3 }`: seconds, capped by EXECUTIONS_TIMEOUT_MAX, default 3600)
 */
function buildWebhookRevokeFlow(o) {
	const { FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE, n8nId } = require('./workflows');
	const field = o.field || 'messages';
	/** @type {Record<string, unknown>} */
	const fxiaoke = {
		id: crypto.randomUUID(),
		name: 'Fxiaoke',
		type: o.nodeType || FXIAOKE_NODE_TYPE,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			resource: 'message',
			operation: 'revoke',
			serviceId: '={{ $json.serviceId }}',
			messageId: '={{ $json.messageId }}',
			options: o.options || {},
		},
		credentials: { [CREDENTIAL_TYPE]: { id: o.credential.id, name: o.credential.name } },
	};
	if (o.continueOnFail !== false) fxiaoke.onError = 'continueRegularOutput';
	return {
		id: o.id || n8nId(),
		name: o.name || `queue revoke ${o.path}`,
		active: false,
		settings: { executionOrder: 'v1', ...(o.settings || {}) },
		pinData: {},
		tags: [],
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: { httpMethod: 'POST', path: o.path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			},
			{
				id: crypto.randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: `body.${field}`, include: 'noOtherFields', options: {} },
			},
			fxiaoke,
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Fxiaoke', type: 'main', index: 0 }]] },
		},
	};
}

/**
 * Whether a database or Redis key of the harness's naming is left on the servers (for a final check).
 * @param {{ pg: PgServer, redis: RedisServer }} infra @param {{ dir: string }} n8n @param {string} database @param {string} prefix
 */
async function leftovers(infra, n8n, database, prefix) {
	const pg = n8nModule(n8n, 'pg');
	const Redis = n8nModule(n8n, 'ioredis');
	const db = await pgQuery(pg, infra.pg, 'postgres', 'SELECT datname FROM pg_database WHERE datname = $1', [database]);
	const keys = await redisKeys(Redis, infra.redis, prefix);
	return { databases: db.rows.map((/** @type {any} */ r) => r.datname), keys };
}

module.exports = { startQueue, buildWebhookRevokeFlow, ensureInfra, leftovers, sweepStale, killGroup, redisPing, tcpOpen };
