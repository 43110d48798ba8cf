'use strict';
/**
 * The install path most users take: the packed package in the Community Nodes folder `~/.n8n/nodes`
 * of a real n8n (2.41.1 by default, or $N8N_E2E_VERSION), where the node type is
 * `n8n-nodes-fxiaoke.fxiaoke`. The example workflows are imported as they are in examples/, with a
 * credential of the id and name they name ("Fxiaoke sandbox"), and run against the sandbox. Two name
 * a resource outside this machine, and only that parameter is changed: the CSV file's path (a Docker
 * path) and the image URL (httpbin.org). The AI agent example needs a chat model; test/e2e/tool.e2e
 * runs it with a stand-in one. Requires `npm run build` first (dist/).
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { REPO_ROOT, importCredentials, importWorkflow, executeWorkflowRaw, getNodeOutput, publishWorkflows } = require('../support/n8n');
const { restRequest } = require('../support/n8n');
const { buildCredential } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { fieldsOf } = require('../support/items');
const { useE2e, useN8nServer, VERSION } = require('../support/e2e-fixture');

const RUN_TIMEOUT = 3 * 60 * 1000;

/** @param {string} name */
const example = (name) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', name), 'utf8'));
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/**
 * The workflow with one node parameter changed.
 * @param {any} workflow @param {string} nodeName @param {string} parameter @param {unknown} value
 */
function withParameter(workflow, nodeName, parameter, value) {
	const copy = JSON.parse(JSON.stringify(workflow));
	const node = copy.nodes.find((/** @type {any} */ n) => n.name === nodeName);
	if (!node || !(parameter in node.parameters)) throw new Error(`${workflow.id}: no parameter ${parameter} on node ${nodeName}`);
	node.parameters[parameter] = value;
	return copy;
}

describe(`the package installed in ~/.n8n/nodes of n8n ${VERSION}`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	const revokeMessages = example('revoke-messages.json');
	const sendThenRevoke = example('send-then-revoke.json');
	const fromWebhook = example('revoke-from-webhook.json');
	const fromCsv = example('bulk-revoke-from-csv.json');
	const pictureCard = example('picture-card-from-url.json');
	const crmRecords = example('crm-records.json');
	const textByMobile = example('text-by-mobile.json');
	/** Where the CSV example reads from here, instead of the Docker path it names. */
	let filesDir = '';
	/** A local stand-in for the image URL of the picture-card example. */
	let imageServer;

	/**
	 * Executes an example workflow: its run and the sandbox requests it caused.
	 * @param {{ id: string }} workflow @param {NodeJS.ProcessEnv} [env]
	 */
	async function run(workflow, env) {
		const before = sb.requests.length;
		const r = await executeWorkflowRaw(home, workflow.id, { timeoutMs: RUN_TIMEOUT, env });
		return { r, requests: sb.requests.slice(before) };
	}

	// The demo data the examples name: messages msg-1 … msg-1000; sends answer with a message id.
	const demoMessages = Array.from({ length: 1000 }, (_, i) => `msg-${i + 1}`);
	useE2e({ version: VERSION, sandbox: { returnMessageId: true }, seed: demoMessages, installAs: 'communityNodes' }, async (e2e) => {
		({ sb, home } = e2e);
		const { baseUrl } = e2e;
		const { id, name } = revokeMessages.nodes.find((n) => n.credentials?.fxiaokeApi).credentials.fxiaokeApi;
		await importCredentials(home, [buildCredential({ baseUrl, app: DEMO, id, name })]);

		filesDir = path.join(home.dir, 'n8n-files');
		fs.mkdirSync(filesDir);
		const csvFile = path.join(filesDir, 'revoke-messages.csv');
		fs.writeFileSync(
			csvFile,
			`serviceId,messageId\n${DEMO.serviceId},msg-900\n${DEMO.serviceId}, msg-901 \n${DEMO.serviceId},no-such-message\n`,
		);
		imageServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL_PNG));
		await new Promise((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
		const imageUrl = `http://127.0.0.1:${imageServer.address().port}/image/png`;

		await importWorkflow(home, [
			revokeMessages,
			sendThenRevoke,
			fromWebhook,
			withParameter(fromCsv, 'Read CSV File', 'fileSelector', csvFile),
			withParameter(pictureCard, 'Download Image', 'url', imageUrl),
			crmRecords,
			textByMobile,
			example('ai-agent-tool.json'), // imported only: it needs a chat model (tool.e2e runs it with a stand-in)
		]);
		// A webhook workflow answers once published (it takes effect when n8n starts).
		await publishWorkflows(home, [fromWebhook.id]);
	});

	afterAll(async () => {
		if (imageServer) await new Promise((resolve) => imageServer.close(resolve));
	});

	test('.n8n/nodes holds this checkout\'s build: its name and version, exactly the shipped files, byte for byte', () => {
		const installed = path.join(home.dir, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-fxiaoke');
		/** Files under `dir`, relative to `root`, with / separators. @param {string} root @param {string} [dir] @returns {string[]} */
		const filesIn = (root, dir = root) =>
			fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesIn(root, path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name)).split(path.sep).join('/')]));
		const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
		const installedPkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		// (A registry copy, an older build or another package would differ here.)
		expect([installedPkg.name, installedPkg.version, installedPkg.main, installedPkg.n8n]).toEqual([pkg.name, pkg.version, pkg.main, pkg.n8n]);
		// What package.json's "files" ships (plus what npm always ships), and nothing else: no sources, tests or sandbox.
		const shipped = ['CHANGELOG.md', 'LICENSE', 'README.md', 'index.js', 'package.json', ...filesIn(REPO_ROOT, path.join(REPO_ROOT, 'dist', 'nodes')), ...filesIn(REPO_ROOT, path.join(REPO_ROOT, 'dist', 'credentials'))];
		const files = filesIn(installed);
		expect([...files].sort()).toEqual([...shipped].sort());
		expect(files).toEqual(expect.arrayContaining([...pkg.n8n.nodes, ...pkg.n8n.credentials]));
		const differing = files.filter((f) => f !== 'package.json' && !fs.readFileSync(path.join(installed, f)).equals(fs.readFileSync(path.join(REPO_ROOT, f))));
		expect(differing).toEqual([]);
		// Only there: a second copy in .n8n/custom would be loaded too (as CUSTOM.fxiaoke).
		expect(fs.existsSync(path.join(home.dir, '.n8n', 'custom', 'node_modules', 'n8n-nodes-fxiaoke'))).toBe(false);
	});

	// One n8n server for what needs it (a second start would find the owner already set up); the
	// executions below run after it has stopped, since `n8n execute` uses the same ports.
	describe('with n8n running', () => {
		const n8n = useN8nServer(() => home);

		test(
			'the node types n8n serves to the editor list no "Custom API Call" for this node',
			async () => {
				const r = await restRequest(home.port, 'GET', '/types/nodes.json', undefined, n8n.cookie);
				expect(r.status).toBe(200);
				const node = r.json.find((/** @type {any} */ n) => n.name === 'n8n-nodes-fxiaoke.fxiaoke');
				expect(node).toBeDefined();
				const values = node.properties
					.filter((/** @type {any} */ p) => ['resource', 'operation'].includes(p.name))
					.flatMap((/** @type {any} */ p) => p.options.map((/** @type {any} */ o) => o.value));
				expect(values).toEqual(expect.arrayContaining(['message', 'media', 'revoke', 'sendText', 'upload']));
				expect(values).not.toContain('__CUSTOM_API_CALL__');
				// every Fxiaoke node type the examples name is one n8n serves from this install
				const served = new Set(r.json.map((/** @type {any} */ n) => n.name));
				for (const wf of [revokeMessages, sendThenRevoke, fromWebhook, fromCsv, pictureCard, crmRecords, textByMobile, example('ai-agent-tool.json')]) {
					for (const n of wf.nodes.filter((/** @type {any} */ x) => x.type.startsWith('n8n-nodes-fxiaoke.'))) expect(served.has(n.type)).toBe(true);
				}
			},
			RUN_TIMEOUT,
		);

		test(
			'examples/revoke-from-webhook.json answers: 200 and errorCode 0 when revoked, 502 for a Fxiaoke error, 400 for bad input',
			async () => {
				const post = (/** @type {unknown} */ body) => restRequest(home.port, 'POST', '/webhook/fxiaoke-revoke', body);
				const revoked = await post({ serviceId: DEMO.serviceId, messageId: 'msg-950' });
				expect([revoked.status, revoked.json?.errorCode]).toEqual([200, 0]);
				expect(sb.messages.get('msg-950')).toMatchObject({ revoked: true });
				const unknown = await post({ serviceId: DEMO.serviceId, messageId: 'no-such-message' });
				expect(unknown.status).toBe(502);
				expect(unknown.json.details.errorCode).not.toBe(0);
				const empty = await post({ serviceId: DEMO.serviceId });
				expect(empty.status).toBe(400);
				expect(empty.json.error).toMatch(/Message ID/);
			},
			RUN_TIMEOUT,
		);
	});

	test(
		'examples/revoke-messages.json runs: every demo message it names is revoked',
		async () => {
			const { r, requests } = await run(revokeMessages);
			expect(r.errorMessage).toBeUndefined();
			expect(r.ok).toBe(true);
			const out = getNodeOutput(r.run, 'Revoke');
			expect(out.items.length).toBeGreaterThan(0);
			for (const item of out.items) expect(fieldsOf(item).errorCode).toBe(0);
			const revoked = requests.filter((q) => q.endpoint === 'revoke' && q.response?.body?.errorCode === 0);
			expect(revoked).toHaveLength(out.items.length);
			for (const q of revoked) expect(sb.messages.get(q.body.messageId)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/send-then-revoke.json runs: the message it sends is the one it revokes',
		async () => {
			const { r, requests } = await run(sendThenRevoke);
			expect(r.errorMessage).toBeUndefined();
			expect(r.ok).toBe(true);
			const sent = requests.filter((q) => q.endpoint === 'appSend');
			const revoked = requests.filter((q) => q.endpoint === 'revoke');
			expect(sent).toHaveLength(1);
			expect(revoked).toHaveLength(1);
			expect(revoked[0].body.messageId).toBe(sent[0].response.body.messageId);
			expect(revoked[0].response.body.errorCode).toBe(0);
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/bulk-revoke-from-csv.json runs: listed messages revoked, an unknown one under "Not Revoked"',
		async () => {
			const { r } = await run(fromCsv, { N8N_RESTRICT_FILE_ACCESS_TO: filesDir });
			expect(r.errorMessage).toBeUndefined();
			expect(getNodeOutput(r.run, 'Revoked').items.map((i) => i.json.errorCode)).toEqual([0, 0]);
			expect(getNodeOutput(r.run, 'Not Revoked').items).toHaveLength(1);
			for (const id of ['msg-900', 'msg-901']) expect(sb.messages.get(id)).toMatchObject({ revoked: true });
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/crm-records.json runs: two accounts created with converted values, found, and moved to the recycle bin',
		async () => {
			const { r } = await run(crmRecords);
			expect(r.errorMessage).toBeUndefined();
			const created = getNodeOutput(r.run, 'Create accounts').items.map(fieldsOf);
			const found = getNodeOutput(r.run, 'Find them').items.map(fieldsOf);
			expect(found.map((a) => a._id).sort()).toEqual(created.map((c) => c.dataId).sort());
			expect(found.find((a) => a.name === 'Example Acme')).toMatchObject({ employees: '12', account_level: '1', annual_revenue: '2500.75' });
			expect(getNodeOutput(r.run, 'Delete them').items.map((i) => fieldsOf(i).deleted)).toEqual(['recycleBin', 'recycleBin']);
			for (const c of created) expect(sb.crm.objects.get('AccountObj').records.get(c.dataId).life_status).toBe('invalid');
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/text-by-mobile.json runs: each number\'s employee is found and texted; by mobile number (and 1000, picked) in one send each',
		async () => {
			const { r, requests } = await run(textByMobile);
			expect(r.errorMessage).toBeUndefined();
			const byMobile = (m) => [...sb.directory.employees.values()].find((e) => e.mobile === m);
			const [a, b] = [byMobile('13800001030'), byMobile('13800001031')];
			expect(getNodeOutput(r.run, 'Find employee').items.map((i) => fieldsOf(i).employeeId)).toEqual([a.employeeId, b.employeeId]);
			const sends = requests.filter((q) => q.endpoint === 'send').map((q) => q.body);
			expect(sends).toEqual(
				expect.arrayContaining([
					expect.objectContaining({ toUser: [a.employeeId], text: { content: `你好 ${a.name}，今天 15:00 开会。` } }),
					expect.objectContaining({ toUser: [b.employeeId] }),
					expect.objectContaining({ toUser: [a.employeeId, '1000'] }),
					expect.objectContaining({ toUser: [b.employeeId, '1000'] }),
				]),
			);
			expect(sends).toHaveLength(4);
		},
		RUN_TIMEOUT,
	);

	test(
		'examples/picture-card-from-url.json runs: the downloaded image is uploaded and is the cover of the article sent',
		async () => {
			const { r, requests } = await run(pictureCard);
			expect(r.errorMessage).toBeUndefined();
			const uploads = requests.filter((q) => q.endpoint === 'upload');
			const sends = requests.filter((q) => q.endpoint === 'send');
			expect(uploads).toHaveLength(1);
			expect(sends).toHaveLength(1);
			expect(sends[0].body.msgType).toBe('articles');
			expect(sends[0].body.articles[0].coverImage).toBe(uploads[0].response.body.mediaId);
			expect(fieldsOf(getNodeOutput(r.run, 'Send Image-Text Message').items[0]).errorCode).toBe(0);
		},
		RUN_TIMEOUT,
	);
});
