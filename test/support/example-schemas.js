'use strict';
/**
 * The field mapper schemas the examples ship, as the editor loads them from the sandbox's describe
 * (so that opening an example shows its fields and does not mark the node stale). test/examples.test.js
 * checks that every shipped schema is the one computed here; to write them after a describe changed:
 *
 *   WRITE_EXAMPLE_SCHEMAS=1 npx jest test/examples.test.js
 *
 * (Run by jest: the harness loads the TypeScript sources.)
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The mapper method of an operation (those in methods/crmObject.ts). */
const METHODS = { create: 'getCreateFields', update: 'getUpdateFields', upsert: 'getUpsertFields', addSalesRecord: 'getSalesRecordFields' };

/** Every Fxiaoke node with a field mapper: [file, workflow, node]. */
function mapperNodes() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.flatMap((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
			return workflow.nodes.filter((n) => n.type === 'n8n-nodes-fxiaoke.fxiaoke' && n.parameters.fields?.mappingMode !== undefined).map((node) => ({ file, workflow, node }));
		});
}

/** The schema each mapper node should ship, loaded from a sandbox. @returns {Promise<Array<{ file: string, workflow: any, node: any, schema: any[] }>>} */
async function expectedSchemas() {
	const { createSandbox } = require('../../sandbox/server');
	const methods = require('../../nodes/Fxiaoke/methods/crmObject');
	const { createLoadOptionsContext, sandboxCredential } = require('./harness');
	const sandbox = createSandbox();
	const baseUrl = await sandbox.listen(0, '127.0.0.1');
	try {
		const found = [];
		for (const entry of mapperNodes()) {
			const { parameters } = entry.node;
			const context = createLoadOptionsContext({ parameters, credential: sandboxCredential(baseUrl) });
			const { fields } = await methods[METHODS[parameters.operation]].call(context);
			const mapped = new Set(Object.keys(parameters.fields.value ?? {}));
			// As the editor saves it: every field, those not mapped marked removed unless the mapper adds all.
			const schema = fields.map((f) => ({ ...f, removed: parameters.operation === 'create' ? false : !mapped.has(f.id) }));
			found.push({ ...entry, schema });
		}
		return found;
	} finally {
		await sandbox.close();
	}
}

/** Writes the computed schemas into the examples. @param {Awaited<ReturnType<typeof expectedSchemas>>} found */
function writeSchemas(found) {
	const changed = new Map();
	for (const { file, workflow, node, schema } of found) {
		const target = changed.get(file) ?? workflow;
		target.nodes.find((/** @type {any} */ n) => n.name === node.name).parameters.fields.schema = schema;
		changed.set(file, target);
	}
	for (const [file, workflow] of changed) fs.writeFileSync(path.join(EXAMPLES_DIR, file), `${JSON.stringify(workflow, null, '\t')}\n`);
}

module.exports = { expectedSchemas, writeSchemas };
