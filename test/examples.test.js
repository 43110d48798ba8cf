'use strict';
// The workflows in examples/ as n8n imports them (`n8n import:workflow` keeps their IDs).
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('./support/n8n');

const dir = path.join(REPO_ROOT, 'examples');
const examples = fs
	.readdirSync(dir)
	.filter((name) => name.endsWith('.json'))
	.map((name) => ({ name, workflow: JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) }));

test('there are examples', () => {
	expect(examples.length).toBeGreaterThan(5);
});

// n8n saves a workflow's static data (the Fxiaoke Trigger's state) only when its ID has at most 16
// characters in n8n 1.x and 21 in 2.x; n8n's own IDs have 16.
test.each(examples.map((e) => [e.name, e.workflow]))('%s has a unique ID n8n keeps static data for', (_name, workflow) => {
	expect(workflow.id).toMatch(/^[A-Za-z0-9]{1,16}$/);
	expect(examples.filter((e) => e.workflow.id === workflow.id)).toHaveLength(1);
});

test.each(examples.map((e) => [e.name, e.workflow]))('%s connects only nodes it has', (_name, workflow) => {
	const names = new Set(workflow.nodes.map((n) => n.name));
	expect(names.size).toBe(workflow.nodes.length);
	for (const [from, outputs] of Object.entries(workflow.connections)) {
		expect(names).toContain(from);
		for (const branches of Object.values(outputs)) for (const branch of branches) for (const c of branch ?? []) expect(names).toContain(c.node);
	}
});

// Opening an example shows its fields (and does not mark the node stale): each field mapper ships the
// schema the editor loads from the sandbox's describe.
test('every field mapper ships the schema the editor loads', async () => {
	const { expectedSchemas, writeSchemas } = require('./support/example-schemas');
	const found = await expectedSchemas();
	if (process.env.WRITE_EXAMPLE_SCHEMAS === '1') writeSchemas(found);
	expect(found.map((f) => f.file).sort()).toEqual(['account-level-message.json', 'account-level-message.json', 'crm-records.json', 'deal-won.json', 'discount-approval.json', 'discount-approval.json']);
	for (const { file, node, schema } of found) {
		expect(schema.length).toBeGreaterThan(3);
		expect([file, node.name, node.parameters.fields.schema]).toEqual([file, node.name, schema]);
	}
});
