#!/usr/bin/env node
'use strict';
/**
 * PNG screenshots of the Fxiaoke node and its credential in the n8n editor, for the README:
 *   docs/screenshots/node-revoke.png   the node's panel, Message → Revoke (after one run on the sandbox)
 *   docs/screenshots/credential.png    the Fxiaoke API credential dialog
 *   docs/screenshots/crm-mapper.png    CRM Object → Create, the fields the mapper loaded from AccountObj's describe
 *   docs/screenshots/recipient-picker.png  Send Text Message, a Picked Employees row's list searched for "zhang" (the sandbox's directory)
 *   docs/screenshots/webhook-trigger.png   Fxiaoke Webhook Trigger (examples/lead-status-pushed.json): its URLs and set-up notice
 *
 * By default it starts its own instance the way `npm start` does (scripts/start.js: sandbox + n8n
 * with the packed package, credential and example workflow imported) on ports of its own and in a
 * fresh temporary n8n folder, sets up the owner account through n8n's REST API
 * (`POST /rest/owner/setup`), signs in through the editor's form, takes the screenshots and stops it.
 *
 *   npm run build && node scripts/screenshots.js [--out docs/screenshots] [--no-execute]
 *   node scripts/screenshots.js --url http://localhost:5678 --email me@example.com --password '…'
 *        (an instance that is already running, e.g. `npm start`, whose owner account exists)
 *
 * Needs a Chromium and playwright-core, neither of which is a dependency of this package:
 *   apt-get install -y chromium                       (or CHROMIUM_PATH=/path/to/chrome)
 *   npm install --prefix /tmp/shot playwright-core   (or PLAYWRIGHT_CORE=/path/to/playwright-core)
 * Environment: SHOT_N8N_PORT (default 5699), SHOT_SANDBOX_PORT (8799), SHOT_BROKER_PORT (5698),
 * N8N_DEV_VERSION (n8n version for the own instance, default the harness's 2.41.1), DEBUG_SHOTS=1.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const { parseJson } = require('../test/support/n8n');

const REPO_ROOT = path.resolve(__dirname, '..');
const CREDENTIAL_ID = 'fxiaokeSandbox01'; // scripts/start.js imports the credential with this id
const NODE_NAME = 'Revoke';
/** examples/crm-records.json (scripts/start.js imports it) and its Create node. */
const CRM_WORKFLOW_ID = 'fxkCrmRecords';
const CRM_NODE_NAME = 'Create accounts';
const PICKER_WORKFLOW_ID = 'fxkTextByMobile';
const PICKER_NODE_NAME = 'Text by mobile number';
/** examples/lead-status-pushed.json and its Fxiaoke Webhook Trigger. */
const PUSHED_WORKFLOW_ID = 'fxkLeadPushed';
const PUSHED_NODE_NAME = 'Lead status changed';
const DEBUG = Boolean(process.env.DEBUG_SHOTS);

/** @param {string} msg */
function say(msg) {
	process.stdout.write(`[screenshots] ${msg}\n`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArgs() {
	const args = process.argv.slice(2);
	/** @type {{ out: string, url?: string, email?: string, password?: string, execute: boolean, workflow?: string }} */
	const opts = { out: path.join(REPO_ROOT, 'docs', 'screenshots'), execute: true };
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		const value = () => {
			const v = args[++i];
			if (v === undefined) throw new Error(`${a} needs a value`);
			return v;
		};
		if (a === '--out') opts.out = path.resolve(value());
		else if (a === '--url') opts.url = value().replace(/\/+$/, '');
		else if (a === '--email') opts.email = value();
		else if (a === '--password') opts.password = value();
		else if (a === '--workflow') opts.workflow = value();
		else if (a === '--no-execute') opts.execute = false;
		else if (a === '--help' || a === '-h') {
			process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 22).join('\n').replace(/^ \* ?/gm, '') + '\n');
			process.exit(0);
		} else throw new Error(`unknown argument ${a}`);
	}
	return opts;
}

/** playwright-core from PLAYWRIGHT_CORE, a normal require, or the install the docs suggest. */
function loadPlaywright() {
	const candidates = [
		process.env.PLAYWRIGHT_CORE,
		'playwright-core',
		'/tmp/shot/node_modules/playwright-core',
		path.join(os.homedir(), '.cache', 'n8n-nodes-fxiaoke', 'playwright', 'node_modules', 'playwright-core'),
	].filter(Boolean);
	for (const c of candidates) {
		try {
			return require(/** @type {string} */ (c));
		} catch {
			/* next */
		}
	}
	throw new Error('playwright-core not found: `npm install --prefix /tmp/shot playwright-core` (outside the repo) or set PLAYWRIGHT_CORE');
}

function chromiumPath() {
	const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
	if (!fs.existsSync(p)) throw new Error(`Chromium not found at ${p}: \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
	return p;
}

/**
 * @param {string} method @param {string} url @param {unknown} [body]
 * @returns {Promise<{ status: number, json: any }>}
 */
function request(method, url, body) {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = http.request(
			url,
			{ method, timeout: 30_000, headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {} },
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => resolve({ status: res.statusCode || 0, json: parseJson(text) }));
			},
		);
		req.on('error', reject);
		req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
		if (data) req.write(data);
		req.end();
	});
}

/**
 * Start scripts/start.js (sandbox + n8n) in a fresh folder; resolves when n8n is up.
 * @returns {Promise<{ url: string, workflowId: string, stop: () => Promise<void> }>}
 */
async function startInstance() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	for (const f of [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])]) {
		if (!fs.existsSync(path.join(REPO_ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
	}
	const port = Number(process.env.SHOT_N8N_PORT || 5699);
	const sandboxPort = Number(process.env.SHOT_SANDBOX_PORT || 8799);
	const brokerPort = Number(process.env.SHOT_BROKER_PORT || 5698);
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fxiaoke-shots-n8n-'));
	/** @type {NodeJS.ProcessEnv} */
	const env = { ...process.env, N8N_PORT: String(port), SANDBOX_PORT: String(sandboxPort), N8N_RUNNERS_BROKER_PORT: String(brokerPort), N8N_DEV_FOLDER: folder };
	env.N8N_LISTEN_ADDRESS = '127.0.0.1';
	say(`starting sandbox :${sandboxPort} + n8n :${port} (scripts/start.js, folder ${folder})…`);
	const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.js')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	// The workflow the README's screenshot shows; scripts/start.js imports it as it is.
	const workflowId = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'revoke-messages.json'), 'utf8')).id;
	/** @type {(v: void) => void} */
	let onUp = () => {};
	const up = new Promise((resolve) => (onUp = resolve));
	const onData = (/** @type {Buffer} */ d) => {
		const text = d.toString();
		log += text;
		if (DEBUG) process.stderr.write(text);
		if (/\[start\] n8n is up/.test(log)) onUp();
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
			await exited;
			clearTimeout(timer);
		}
		fs.rmSync(folder, { recursive: true, force: true });
	};
	const failed = exited.then(() => {
		throw new Error(`scripts/start.js exited before n8n was up:\n${log.slice(-4000)}`);
	});
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`n8n was not up after 10 minutes:\n${log.slice(-4000)}`)), 10 * 60 * 1000);
	});
	failed.catch(() => {}); // once n8n is up, a later exit is handled by stop()
	try {
		await Promise.race([up, failed, timeout]);
	} catch (e) {
		await stop();
		throw e;
	} finally {
		clearTimeout(timer);
	}
	return { url: `http://127.0.0.1:${port}`, workflowId, stop };
}

/**
 * Owner account: created through the REST API when the instance has none yet.
 * @param {string} url @param {{ email?: string, password?: string }} opts
 */
async function ensureOwner(url, opts) {
	// /healthz answers before the REST API is ready: wait for the settings
	let settings = await request('GET', `${url}/rest/settings`);
	for (let i = 0; i < 120 && !settings.json?.data?.userManagement; i++) {
		await sleep(1000);
		settings = await request('GET', `${url}/rest/settings`);
	}
	if (!settings.json?.data?.userManagement) throw new Error(`GET /rest/settings answered ${settings.status}: ${JSON.stringify(settings.json).slice(0, 500)}`);
	const needsSetup = settings.json.data.userManagement.showSetupOnFirstLoad === true;
	if (!needsSetup) {
		if (!opts.email || !opts.password) throw new Error('this n8n already has an owner: pass --email and --password');
		return { email: opts.email, password: opts.password };
	}
	const email = opts.email || 'owner@example.com';
	// n8n's password rule: 8+ characters with a number and an upper-case letter
	const password = opts.password || `Shots-${crypto.randomBytes(6).toString('hex')}-A1`;
	const res = await request('POST', `${url}/rest/owner/setup`, { email, firstName: 'Demo', lastName: 'Owner', password });
	if (res.status !== 200) throw new Error(`POST /rest/owner/setup answered ${res.status}: ${JSON.stringify(res.json)}`);
	say(`owner account ${email} set up`);
	return { email, password };
}

/** Close toasts so that they do not cover the panel. @param {import('playwright-core').Page} page */
async function dismissToasts(page) {
	for (const btn of await page.locator('.el-notification__closeBtn').all()) await btn.click({ timeout: 2000 }).catch(() => {});
	await page.waitForTimeout(400);
}

/**
 * @param {{ url: string, workflowId: string, email: string, password: string, out: string, execute: boolean }} o
 */
async function takeScreenshots(o) {
	const { chromium } = loadPlaywright();
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fxiaoke-shots-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: chromiumPath(),
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1440, height: 900 },
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(60_000);
	try {
		// sign in through the editor's own form
		await page.goto(`${o.url}/signin`, { waitUntil: 'networkidle' });
		await page.fill('#emailOrLdapLoginId', o.email);
		await page.fill('#password', o.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((/** @type {URL} */ u) => !u.pathname.startsWith('/signin'), { timeout: 60_000 });
		say('signed in');

		// the workflow, then the Fxiaoke node's panel
		await page.goto(`${o.url}/workflow/${o.workflowId}`, { waitUntil: 'networkidle' });
		const node = page.locator(`[data-test-id=canvas-node][data-node-name="${NODE_NAME}"]`);
		await node.waitFor({ timeout: 120_000 });
		await page.waitForTimeout(1000);
		await node.dblclick();
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.locator('[data-test-id=parameter-input-messageId]').waitFor();
		if (o.execute) {
			// one run against the sandbox, so that the input and output panes show data
			await ndv.locator('[data-test-id=node-execute-button]').click();
			await ndv.locator('[data-test-id=node-run-status-success]').waitFor({ timeout: 120_000 });
		}
		await page.mouse.move(0, 0);
		await dismissToasts(page);
		fs.mkdirSync(o.out, { recursive: true });
		const nodeShot = path.join(o.out, 'node-revoke.png');
		await ndv.screenshot({ path: nodeShot, animations: 'disabled' });
		say(`wrote ${path.relative(process.cwd(), nodeShot)}`);

		// the credential dialog, from the node's credential pencil
		await page.setViewportSize({ width: 1440, height: 1250 });
		await ndv.locator('[data-test-id=credential-edit-button]').click();
		const dialog = page.locator('[data-test-id=editCredential-modal]');
		await dialog.locator('[data-test-id=parameter-input-userId]').waitFor();
		// the credential test runs when the dialog opens; wait for its verdict when there is one
		await page
			.locator('[data-test-id=credentials-config-container-test-success]')
			.waitFor({ timeout: 30_000 })
			.catch(() => say('no "Connection tested successfully" banner (credential test not shown)'));
		// the dialog is at most 750 px high and scrolls its fields: let it grow so that all of them show
		await page.addStyleTag({
			content: `
				[data-test-id=editCredential-modal] { max-height: none !important; height: auto !important; }
				[data-test-id=editCredential-modal] .el-dialog__body,
				[data-test-id=editCredential-modal] .modal-content,
				[data-test-id=credential-edit-dialog],
				[data-test-id=credential-edit-dialog] * { max-height: none !important; }
				[data-test-id=editCredential-modal] .modal-content,
				[data-test-id=credential-edit-dialog],
				[data-test-id=credential-edit-dialog] [class*=mainContent] { height: auto !important; overflow: visible !important; }
			`,
		});
		await page.mouse.move(0, 0);
		await dismissToasts(page);
		const credShot = path.join(o.out, 'credential.png');
		await dialog.screenshot({ path: credShot, animations: 'disabled' });
		say(`wrote ${path.relative(process.cwd(), credShot)}`);

		// CRM Object → Create: the fields the resource mapper loads from the object's describe
		page.on('dialog', (d) => void d.accept());
		await page.setViewportSize({ width: 1440, height: 1100 });
		await page.goto(`${o.url}/workflow/${CRM_WORKFLOW_ID}`, { waitUntil: 'networkidle' });
		const crmNode = page.locator(`[data-test-id=canvas-node][data-node-name="${CRM_NODE_NAME}"]`);
		await crmNode.waitFor({ timeout: 120_000 });
		await page.waitForTimeout(1000);
		await crmNode.dblclick();
		const crmNdv = page.locator('[data-test-id=ndv]');
		await crmNdv.locator('[data-test-id=mapping-fields-container]').waitFor({ timeout: 60_000 });
		await page.waitForTimeout(1000);
		await page.mouse.move(0, 0);
		await dismissToasts(page);
		const crmShot = path.join(o.out, 'crm-mapper.png');
		await crmNdv.screenshot({ path: crmShot, animations: 'disabled' });
		say(`wrote ${path.relative(process.cwd(), crmShot)}`);

		// Send Text Message: the recipient picker's list, loaded from the sandbox's directory
		await page.goto(`${o.url}/workflow/${PICKER_WORKFLOW_ID}`, { waitUntil: 'networkidle' });
		const sendNode = page.locator(`[data-test-id=canvas-node][data-node-name="${PICKER_NODE_NAME}"]`);
		await sendNode.waitFor({ timeout: 120_000 });
		await page.waitForTimeout(1000);
		await sendNode.dblclick();
		const sendNdv = page.locator('[data-test-id=ndv]');
		// the example's one Picked Employees row: open its list and search part of an e-mail address
		const picker = sendNdv.locator('[data-test-id=rlc-input]').first();
		await picker.waitFor({ timeout: 60_000 });
		await picker.click({ force: true });
		const search = page.locator('[data-test-id=rlc-search] input, [data-test-id=rlc-search]').first();
		await search.waitFor({ timeout: 60_000 });
		await search.fill('zhang');
		await page.getByText('(1008)').first().waitFor({ timeout: 60_000 }); // wei.zhang.1008@…, of the sandbox's directory
		await page.waitForTimeout(1000);
		await dismissToasts(page);
		const pickerShot = path.join(o.out, 'recipient-picker.png');
		await page.screenshot({ path: pickerShot, animations: 'disabled' });
		say(`wrote ${path.relative(process.cwd(), pickerShot)}`);

		// Fxiaoke Webhook Trigger: its URLs and the instructions for the APL function
		await page.goto(`${o.url}/workflow/${PUSHED_WORKFLOW_ID}`, { waitUntil: 'networkidle' });
		const pushedNode = page.locator(`[data-test-id=canvas-node][data-node-name="${PUSHED_NODE_NAME}"]`);
		await pushedNode.waitFor({ timeout: 120_000 });
		await page.waitForTimeout(1000);
		await pushedNode.dblclick();
		const pushedNdv = page.locator('[data-test-id=ndv]');
		await pushedNdv.getByText('Workflow Management').first().waitFor({ timeout: 60_000 });
		await pushedNdv.getByText('Webhook URLs').first().click(); // shows the Test and Production URLs
		await page.waitForTimeout(1000);
		await page.mouse.move(0, 0);
		await dismissToasts(page);
		const pushedShot = path.join(o.out, 'webhook-trigger.png');
		await page.screenshot({ path: pushedShot, animations: 'disabled' });
		say(`wrote ${path.relative(process.cwd(), pushedShot)}`);
	} catch (e) {
		const debugShot = path.join(os.tmpdir(), `fxiaoke-shots-failure-${Date.now()}.png`);
		await page.screenshot({ path: debugShot }).catch(() => {});
		say(`failed; the page at that moment: ${debugShot}`);
		throw e;
	} finally {
		await context.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

async function main() {
	const opts = parseArgs();
	// fail early, before starting n8n, when the browser side is missing
	loadPlaywright();
	chromiumPath();
	/** @type {{ url: string, workflowId: string, stop: () => Promise<void> }} */
	let instance;
	if (opts.url) {
		const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'revoke-messages.json'), 'utf8'));
		instance = { url: opts.url, workflowId: opts.workflow || example.id, stop: async () => {} };
	} else {
		instance = await startInstance();
		if (opts.workflow) instance.workflowId = opts.workflow;
	}
	const stopOnSignal = () => void instance.stop().then(() => process.exit(1));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		const owner = await ensureOwner(instance.url, opts);
		await takeScreenshots({ ...instance, ...owner, out: opts.out, execute: opts.execute });
	} finally {
		await instance.stop();
	}
}

main().catch((e) => {
	process.stderr.write(`[screenshots] ${e && e.stack ? e.stack : e}\n`);
	process.exit(1);
});
