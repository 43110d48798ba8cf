'use strict';
/**
 * `usableAsTool`: a real n8n (2.41.1 or $N8N_E2E_VERSION) with the packed package installed by hand
 * lists the tool variant `CUSTOM.fxiaokeTool` in `n8n export:nodes`, and what an AI Agent (and the
 * person configuring it) reads there is complete: every operation option has a description and an
 * action, every field the user can see has a description.
 *
 * Then examples/ai-agent-tool.json runs for real: n8n's AI Agent with a stand-in OpenAI-compatible chat
 * model (a local HTTP server that answers with a call of the first tool it is offered) calls the Fxiaoke
 * tool, whose `$fromAI()` fields reach the Fxiaoke sandbox. The chat trigger is swapped for a Manual
 * Trigger + Set, since `n8n execute` cannot start a chat.
 *
 * Requires `npm run build` first (dist/).
 */
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');

const { runN8nOk, importCredentials, importWorkflow, executeWorkflowRaw, getNodeOutput, REPO_ROOT } = require('../support/n8n');
const { buildCredential, n8nId } = require('../support/workflows');
const DEMO = require('../../sandbox/demo-app');
const { useE2e, throwIfFailed, VERSION, RUN_TIMEOUT } = require('../support/e2e-fixture');

const PREFIX = 'CUSTOM.'; // nodes installed into ~/.n8n/custom (NOTES §1.5)

/**
 * A stand-in for OpenAI's chat completions API: to a request without a tool result it answers with a
 * call of the first tool offered (arguments: `mock.toolArgs`), otherwise with a final text quoting the
 * tool result. Every request is recorded in `mock.calls`.
 */
async function startMockChatModel() {
	/** @type {any[]} */
	const calls = [];
	/** @type {{ toolArgs: Record<string, string> }} */
	const state = { toolArgs: {} };
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (d) => (raw += d));
		req.on('end', () => {
			/** @type {any} */
			let body = {};
			try {
				body = JSON.parse(raw || '{}');
			} catch {
				/* recorded as {} */
			}
			calls.push({ url: req.url, body });
			const tools = Array.isArray(body.tools) ? body.tools : [];
			const toolResult = (body.messages || []).find((/** @type {any} */ m) => m.role === 'tool');
			const message =
				!toolResult && tools.length
					? {
							role: 'assistant',
							content: null,
							tool_calls: [{ id: 'call_1', type: 'function', function: { name: tools[0].function.name, arguments: JSON.stringify(state.toolArgs) } }],
						}
					: { role: 'assistant', content: `Tool result: ${toolResult ? toolResult.content : 'none'}` };
			res.setHeader('content-type', 'application/json');
			res.end(
				JSON.stringify({
					id: `chatcmpl-${calls.length}`,
					object: 'chat.completion',
					created: Math.floor(Date.now() / 1000),
					model: body.model || 'mock',
					choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
					usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
				}),
			);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		calls,
		state,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * examples/ai-agent-tool.json, runnable by `n8n execute`: custom-folder node types, the chat trigger
 * replaced by Manual Trigger → Set { chatInput }, the chat model bound to the mock's credential.
 * @param {{ chatInput: string, openAiCredential: { id: string, name: string }, autoDescription?: boolean }} o
 */
function agentExampleWorkflow(o) {
	const wf = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'ai-agent-tool.json'), 'utf8'));
	wf.id = n8nId();
	wf.name = `${wf.name}${o.autoDescription ? ' (automatic tool description)' : ''}`;
	for (const node of wf.nodes) node.type = node.type.replace(/^n8n-nodes-fxiaoke\./, PREFIX);
	const trigger = wf.nodes.find((/** @type {any} */ n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
	const triggerName = trigger.name;
	Object.assign(trigger, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	delete trigger.webhookId;
	const agentConn = wf.connections[triggerName].main[0][0];
	wf.nodes.push({
		id: crypto.randomUUID(),
		name: 'Chat Input',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [120, 120],
		parameters: { mode: 'raw', jsonOutput: JSON.stringify({ chatInput: o.chatInput, sessionId: 'e2e' }), options: {} },
	});
	wf.connections[triggerName] = { main: [[{ node: 'Chat Input', type: 'main', index: 0 }]] };
	wf.connections['Chat Input'] = { main: [[agentConn]] };
	wf.nodes.find((/** @type {any} */ n) => n.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi').credentials = { openAiApi: o.openAiCredential };
	const tool = wf.nodes.find((/** @type {any} */ n) => n.type === `${PREFIX}fxiaokeTool`);
	if (o.autoDescription) {
		delete tool.parameters.descriptionType;
		delete tool.parameters.toolDescription;
	}
	return { wf, tool };
}

/** Selectors whose choices carry the descriptions, and n8n's own tool-description switch. */
const NO_DESCRIPTION_NEEDED = new Set(['resource', 'operation', 'options', 'descriptionType']);

/**
 * Every field with its path, nested collections and fixedCollection values included.
 * @param {any[]} props @param {string} [prefix]
 * @returns {Array<{ path: string, prop: any }>}
 */
function allFields(props, prefix = '') {
	/** @type {Array<{ path: string, prop: any }>} */
	const out = [];
	for (const p of props || []) {
		const at = `${prefix}${p.name}`;
		out.push({ path: at, prop: p });
		if (p.type === 'collection') out.push(...allFields(p.options, `${at}.`));
		if (p.type === 'fixedCollection') for (const group of p.options || []) out.push(...allFields(group.values, `${at}.${group.name}.`));
	}
	return out;
}

describe(`the Fxiaoke node as an AI tool (n8n ${VERSION} export:nodes)`, () => {
	/** @type {import('../support/e2e-fixture').Sandbox} */
	let sb;
	let baseUrl = '';
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {any[]} */
	let nodes;
	/** @type {any} */
	let tool;
	/** @type {any} */
	let base;

	useE2e({ version: VERSION }, async (e2e) => {
		({ sb, baseUrl, home } = e2e);
		const file = path.join(home.dir, 'nodes.json');
		await runN8nOk(home, ['export:nodes', `--output=${file}`]);
		nodes = JSON.parse(fs.readFileSync(file, 'utf8'));
		base = nodes.find((n) => n.name === `${PREFIX}fxiaoke`);
		tool = nodes.find((n) => n.name === `${PREFIX}fxiaokeTool`);
	});

	describe('examples/ai-agent-tool.json with a stand-in chat model', () => {
		/** @type {Awaited<ReturnType<typeof startMockChatModel>>} */
		let llm;
		const messageIds = [`agent-${crypto.randomBytes(3).toString('hex')}-1`, `agent-${crypto.randomBytes(3).toString('hex')}-2`];
		/** @type {Record<string, any>} */
		const wfs = {};

		beforeAll(async () => {
			sb.seedMessages(DEMO.serviceId, messageIds);
			llm = await startMockChatModel();
			const fxiaoke = buildCredential({ baseUrl, app: DEMO, id: 'fxiaokeSandbox', name: 'Fxiaoke sandbox' }); // the example's ids
			const openAi = { id: n8nId(), name: 'OpenAI stand-in', type: 'openAiApi', data: { apiKey: 'sk-e2e-not-a-key', url: llm.url } };
			await importCredentials(home, [fxiaoke, openAi]);
			const openAiCredential = { id: openAi.id, name: openAi.name };
			wfs.manual = agentExampleWorkflow({ chatInput: `Revoke message ${messageIds[0]} of ${DEMO.serviceId}`, openAiCredential });
			wfs.auto = agentExampleWorkflow({ chatInput: `Revoke message ${messageIds[1]} of ${DEMO.serviceId}`, openAiCredential, autoDescription: true });
			await importWorkflow(home, [wfs.manual.wf, wfs.auto.wf]);
		}, RUN_TIMEOUT);

		afterAll(async () => {
			if (llm) await llm.close();
		});

		/** @param {any} wf @param {string} messageId */
		async function runAgent(wf, messageId) {
			llm.calls.length = 0;
			const reqBefore = sb.requests.length;
			// what the "model" answers: a call of the Fxiaoke tool with these $fromAI values
			llm.state.toolArgs = { serviceId: DEMO.serviceId, messageId };
			const r = throwIfFailed(await executeWorkflowRaw(home, wf.id, { timeoutMs: RUN_TIMEOUT }), 'agent run failed');
			return { r, requests: sb.requests.slice(reqBefore), calls: [...llm.calls] };
		}

		test(
			'the agent calls the Fxiaoke tool; its $fromAI() values reach Fxiaoke and the answer goes back to the model',
			async () => {
				const { r, requests, calls } = await runAgent(wfs.manual.wf, messageIds[0]);
				// what the model was offered: the tool, with the example's description and the two $fromAI parameters
				expect(calls.length).toBe(2);
				expect(calls[0].url).toMatch(/\/v1\/chat\/completions$/);
				const offered = calls[0].body.tools;
				expect(offered).toHaveLength(1);
				const fn = offered[0].function;
				expect(fn.name).toBe(wfs.manual.tool.name.replace(/[^a-zA-Z0-9_-]/g, '_'));
				expect(fn.description).toBe(wfs.manual.tool.parameters.toolDescription);
				expect(Object.keys(fn.parameters.properties).sort()).toEqual(['messageId', 'serviceId']);
				for (const p of Object.values(fn.parameters.properties)) {
					expect(/** @type {any} */ (p).type).toBe('string');
					expect(/** @type {any} */ (p).description.length).toBeGreaterThan(10);
				}
				expect([...fn.parameters.required].sort()).toEqual(['messageId', 'serviceId']);

				// the tool call reached the sandbox with exactly the model's arguments
				const revokes = requests.filter((q) => q.endpoint === 'revoke');
				expect(revokes).toHaveLength(1);
				expect(revokes[0].body).toEqual({ serviceId: DEMO.serviceId, messageId: messageIds[0] });
				expect(revokes[0].response.body.errorCode).toBe(0);
				expect(sb.messages.get(messageIds[0])).toMatchObject({ revoked: true });

				// the tool's result went back to the model, and the agent answered with it
				const toolMessage = calls[1].body.messages.find((/** @type {any} */ m) => m.role === 'tool');
				expect(toolMessage.content).toContain(revokes[0].response.body.traceId);
				const out = getNodeOutput(r.run, 'AI Agent');
				expect(out.items).toHaveLength(1);
				expect(out.items[0].json.output).toContain(revokes[0].response.body.traceId);
			},
			RUN_TIMEOUT,
		);

		test(
			'with "Tool Description: Set Automatically" the model sees a description built from the operation',
			async () => {
				const { requests, calls } = await runAgent(wfs.auto.wf, messageIds[1]);
				const fn = calls[0].body.tools[0].function;
				if (process.env.DEBUG_E2E) process.stderr.write(`[e2e] automatic tool description: ${JSON.stringify(fn.description)}\n`);
				expect(typeof fn.description).toBe('string');
				expect(fn.description).toMatch(/revoke/i);
				expect(fn.description.length).toBeGreaterThan(10);
				expect(requests.filter((q) => q.endpoint === 'revoke').map((q) => q.body)).toEqual([{ serviceId: DEMO.serviceId, messageId: messageIds[1] }]);
				expect(sb.messages.get(messageIds[1])).toMatchObject({ revoked: true });
			},
			RUN_TIMEOUT,
		);
	});

	test('lists the node and its tool variant CUSTOM.fxiaokeTool, wired as an AI tool (and, for Send and Wait, n8n\'s human-review tool)', () => {
		expect(Array.isArray(nodes)).toBe(true);
		expect(nodes.filter((n) => /fxiaoke/i.test(n.name)).map((n) => n.name).sort()).toEqual(
			[`${PREFIX}fxiaoke`, `${PREFIX}fxiaokeHitlTool`, `${PREFIX}fxiaokeTool`, `${PREFIX}fxiaokeTrigger`, `${PREFIX}fxiaokeWebhookTrigger`].sort(),
		);
		expect(base.usableAsTool).toBe(true);
		expect(tool.displayName).toBe('Fxiaoke Tool');
		expect(tool.inputs).toEqual([]);
		expect(tool.outputs).toEqual(['ai_tool']);
		expect(tool.credentials).toEqual([{ name: 'fxiaokeApi', required: true }]);
		expect(tool.codex?.categories).toContain('AI');
		expect(tool.codex?.subcategories?.AI).toContain('Tools');
		// the tool's description is what the agent sees when "Tool Description" is left on automatic
		expect(tool.description.length).toBeGreaterThanOrEqual(20);
		const toolDescription = tool.properties.find((/** @type {any} */ p) => p.name === 'toolDescription');
		expect(toolDescription?.default).toBe(tool.description);
		// the same parameters as the node (plus n8n's two tool-description fields)
		const names = (/** @type {any} */ n) => n.properties.map((/** @type {any} */ p) => p.name);
		expect(names(tool).filter((/** @type {string} */ n) => n !== 'descriptionType' && n !== 'toolDescription')).toEqual(names(base));
	});

	test('every operation option has a clear description and an action', () => {
		const operations = tool.properties.filter((/** @type {any} */ p) => p.name === 'operation');
		const resources = tool.properties.find((/** @type {any} */ p) => p.name === 'resource');
		expect(resources.options.length).toBeGreaterThan(0);
		// one operation selector per resource
		for (const r of resources.options) {
			expect(r.name.trim()).not.toBe('');
			expect(operations.filter((/** @type {any} */ o) => o.displayOptions?.show?.resource?.includes(r.value))).toHaveLength(1);
		}
		/** @type {string[]} */
		const problems = [];
		/** @type {string[]} */
		const actions = [];
		for (const op of operations) {
			for (const o of op.options) {
				const where = `${op.displayOptions.show.resource.join('/')} → ${o.name}`;
				if (typeof o.description !== 'string' || o.description.trim().length < 15) problems.push(`${where}: description missing or too short`);
				if (typeof o.action !== 'string' || !/^[A-Z][a-z]+ \S/.test(o.action)) problems.push(`${where}: action missing or not a sentence ("${o.action}")`);
				else actions.push(o.action);
				if (o.description && o.action && o.description.trim() === o.action.trim()) problems.push(`${where}: description only repeats the action`);
			}
			expect(op.options.map((/** @type {any} */ o) => o.value)).toContain(op.default);
		}
		expect(problems).toEqual([]);
		expect(new Set(actions).size).toBe(actions.length); // the agent tells operations apart by them
		expect(actions).toContain('Revoke a message');
	});

	test('every visible field has a description', () => {
		/** @type {string[]} */
		const problems = [];
		for (const { path: at, prop } of allFields(tool.properties)) {
			if (prop.type === 'hidden' || prop.type === 'notice' || NO_DESCRIPTION_NEEDED.has(at)) continue;
			if (typeof prop.displayName !== 'string' || prop.displayName.trim() === '') problems.push(`${at}: no display name`);
			const d = typeof prop.description === 'string' ? prop.description.trim() : '';
			if (d === '') problems.push(`${at} (${prop.displayName}): no description`);
			else if (d.toLowerCase() === String(prop.displayName).trim().toLowerCase()) problems.push(`${at}: the description only repeats the display name`);
			if (prop.type === 'options' || prop.type === 'multiOptions') {
				for (const o of prop.options || []) if (typeof o.name !== 'string' || o.name.trim() === '') problems.push(`${at}: an option without a name`);
			}
		}
		expect(problems).toEqual([]);
	});

	test('the revoke operation asks for exactly the two ids, both described (Define Below, the default)', () => {
		const revokeFields = tool.properties.filter(
			(/** @type {any} */ p) =>
				p.displayOptions?.show?.operation?.includes('revoke') &&
				p.displayOptions?.show?.resource?.includes('message') &&
				p.displayOptions?.show?.dataMode?.includes('defineBelow'),
		);
		expect(revokeFields.map((/** @type {any} */ p) => p.name).sort()).toEqual(['messageId', 'serviceId']);
		for (const f of revokeFields) {
			expect(f.required).toBe(true);
			expect(f.type).toBe('string');
			expect(f.description).toMatch(/message|service account/i);
		}
	});
});
