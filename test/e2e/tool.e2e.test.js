'use strict';
/**
 * `usableAsTool`: a real n8n (2.41.1 or $N8N_E2E_VERSION) with the packed package installed by hand
 * lists the tool variant `CUSTOM.fxiaokeTool` in `n8n export:nodes`, and what an AI Agent (and the
 * person configuring it) reads there is complete: every operation option has a description and an
 * action, every field the user can see has a description.
 *
 * Requires `npm run build` first (dist/).
 */
const fs = require('node:fs');
const path = require('node:path');

const { ensureN8n, packPackage, createN8nHome, removeN8nHome, runN8nOk } = require('../support/n8n');

const VERSION = process.env.N8N_E2E_VERSION || '2.41.1';
const SETUP_TIMEOUT = 25 * 60 * 1000;
const PREFIX = 'CUSTOM.'; // nodes installed into ~/.n8n/custom (NOTES §1.5)

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
	/** @type {import('../support/n8n').N8nHome} */
	let home;
	/** @type {any[]} */
	let nodes;
	/** @type {any} */
	let tool;
	/** @type {any} */
	let base;

	beforeAll(async () => {
		await ensureN8n(VERSION);
		const tgz = await packPackage();
		home = await createN8nHome({ tgz, version: VERSION });
		const file = path.join(home.dir, 'nodes.json');
		await runN8nOk(home, ['export:nodes', `--output=${file}`]);
		nodes = JSON.parse(fs.readFileSync(file, 'utf8'));
		base = nodes.find((n) => n.name === `${PREFIX}fxiaoke`);
		tool = nodes.find((n) => n.name === `${PREFIX}fxiaokeTool`);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		if (home) await removeN8nHome(home);
	});

	test('lists the node and its tool variant CUSTOM.fxiaokeTool, wired as an AI tool', () => {
		expect(Array.isArray(nodes)).toBe(true);
		expect(nodes.filter((n) => /fxiaoke/i.test(n.name)).map((n) => n.name).sort()).toEqual([`${PREFIX}fxiaoke`, `${PREFIX}fxiaokeTool`]);
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

	test('the revoke operation asks for exactly the two ids, both described', () => {
		const revokeFields = tool.properties.filter(
			(/** @type {any} */ p) => p.displayOptions?.show?.operation?.includes('revoke') && p.displayOptions?.show?.resource?.includes('message'),
		);
		expect(revokeFields.map((/** @type {any} */ p) => p.name).sort()).toEqual(['messageId', 'serviceId']);
		for (const f of revokeFields) {
			expect(f.required).toBe(true);
			expect(f.type).toBe('string');
			expect(f.description).toMatch(/message|service account/i);
		}
	});
});
