'use strict';
/**
 * The first hour: the demos `npm start` imports, run in a real n8n against a sandbox filled as
 * `npm start` fills it (scripts/demos.js), each twice, as a new user would press Execute workflow
 * twice. Every run must end green. The demos that start with a trigger are not run here (`n8n
 * execute` starts only from a manual trigger): demos.integration.test.js fetches their test events
 * and makes their sticky notes' changes against the same data, and trigger.e2e, send-and-wait.e2e,
 * record-actions.e2e and webhook-trigger.e2e run them in n8n. The sticky notes' commands name
 * records the sandbox holds.
 *
 * Requires `npm run build` first (dist/).
 */
const fs = require('node:fs');
const path = require('node:path');
const { importCredentials, importWorkflow, executeWorkflowRaw, getNodeOutput } = require('../support/n8n');
const { buildCredential, bindWorkflowCredential } = require('../support/workflows');
const { fieldsOf } = require('../support/items');
const { useE2e, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');
const { DEMO_EXAMPLES, DEMO_SANDBOX_OPTIONS, DEMO_SANDBOX_URL, seedDemos } = require('../../scripts/demos');
const DEMO = require('../../sandbox/demo-app');

const examples = DEMO_EXAMPLES.map((file) => ({ file: path.basename(file), text: fs.readFileSync(file, 'utf8') }));
/** The demos a person runs with Execute workflow (they start with a manual trigger). */
const MANUAL = examples.filter((e) => JSON.parse(e.text).nodes.some((/** @type {any} */ n) => n.type === 'n8n-nodes-base.manualTrigger')).map((e) => e.file);

describe(`the demos npm start imports, in a real n8n ${VERSION}`, () => {
	/** @type {any} */
	let sb;
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {Record<string, any>} */
	const workflows = {};

	useE2e({ version: VERSION, sandbox: DEMO_SANDBOX_OPTIONS }, async (e2e) => {
		({ sb, home } = e2e);
		seedDemos(sb, DEMO.serviceId);
		const first = JSON.parse(examples[0].text);
		const named = first.nodes.find((/** @type {any} */ n) => n.credentials?.fxiaokeApi).credentials.fxiaokeApi;
		const credential = buildCredential({ baseUrl: e2e.baseUrl, app: DEMO, id: named.id, name: named.name });
		await importCredentials(home, [credential]);
		for (const { file, text } of examples) {
			// (the examples name npm start's fixed sandbox address)
			workflows[file] = bindWorkflowCredential(JSON.parse(text.split(DEMO_SANDBOX_URL).join(e2e.baseUrl)), credential);
		}
		await importWorkflow(home, Object.values(workflows));
	});

	test('the sticky notes\' commands and links name records and employees the sandbox holds', () => {
		const notes = examples.flatMap(({ file, text }) =>
			JSON.parse(text).nodes.filter((/** @type {any} */ n) => n.type === 'n8n-nodes-base.stickyNote').map((/** @type {any} */ n) => ({ file, content: n.parameters.content })),
		);
		expect(notes.map((n) => n.file).sort()).toEqual(examples.map((e) => e.file).sort());
		const ids = notes.flatMap((n) => [...n.content.matchAll(/"objectApiName": "(\w+)", "recordId": "([0-9a-f]{24})"/g)].map((m) => [n.file, m[1], m[2]]));
		expect(ids.length).toBeGreaterThanOrEqual(3);
		for (const [file, apiName, id] of ids) expect([file, apiName, id, sb.crm.objects.get(apiName).records.has(id)]).toEqual([file, apiName, id, true]);
	});

	test('four demos start with a manual trigger', () => {
		expect(MANUAL).toEqual(['send-then-revoke.json', 'revoke-messages.json', 'crm-records.json', 'text-by-mobile.json']);
	});

	test.each(MANUAL.map((file) => [file]))(
		'%s runs green twice',
		async (file) => {
			for (const run of [1, 2]) {
				const r = await executeWorkflowRaw(home, workflows[file].id, { timeoutMs: RUN_TIMEOUT });
				expect([file, run, r.ok ? 'green' : r.errorMessage]).toEqual([file, run, 'green']);
				// no node ended with an error item either (Continue On Fail would hide it)
				for (const node of workflows[file].nodes.filter((/** @type {any} */ n) => n.type.includes('fxiaoke'))) {
					const items = r.run.data.resultData.runData[node.name] ? getNodeOutput(r.run, node.name).items : [];
					expect([file, run, node.name, items.filter((/** @type {any} */ i) => i.json.error !== undefined).map(fieldsOf)]).toEqual([file, run, node.name, []]);
				}
			}
		},
		RUN_TIMEOUT * 2,
	);
});
