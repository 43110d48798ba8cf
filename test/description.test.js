// The node's description as n8n reads it: what the editor, the nodes panel and an AI agent see.
const { Fxiaoke } = require('../dist/nodes/Fxiaoke/Fxiaoke.node');

const description = new Fxiaoke().description;
const operationLists = description.properties.filter((p) => p.name === 'operation');

test('every operation has a description and an action: n8n makes an AI tool\'s description "<action> in Fxiaoke" from it', () => {
	const all = operationLists.flatMap((p) => p.options.map((o) => ({ resource: p.displayOptions.show.resource[0], ...o })));
	expect(all.length).toBeGreaterThan(30);
	for (const option of all) {
		expect([option.resource, option.value, typeof option.description, typeof option.action]).toEqual([option.resource, option.value, 'string', 'string']);
		expect(option.action.length).toBeGreaterThan(8);
	}
	const crm = Object.fromEntries(all.filter((o) => o.resource === 'crmObject').map((o) => [o.value, o.action]));
	expect(crm).toMatchObject({
		uploadFile: 'Upload a file to a record',
		downloadFile: 'Download the files of a record',
		returnToPool: 'Return a record to a pool',
		claimFromPool: 'Claim a record from its pool',
		moveStage: 'Move the stage of a record',
		addSalesRecord: 'Add a sales record to a record',
		lock: 'Lock a record',
		addTeamMembers: 'Add team members to a record',
	});
	const actions = all.map((o) => `${o.resource}:${o.action}`);
	expect(new Set(actions).size).toBe(actions.length);
});

// ---- What the editor shows: canvas subtitles, the nodes panel, the field mapper ----
const path = require('node:path');
const { NodeHelpers, Workflow } = require('n8n-workflow');
const { FxiaokeTrigger } = require('../dist/nodes/FxiaokeTrigger/FxiaokeTrigger.node');
const { FxiaokeWebhookTrigger } = require('../dist/nodes/FxiaokeWebhookTrigger/FxiaokeWebhookTrigger.node');
const pkg = require('../package.json');

const nodes = { fxiaoke: new Fxiaoke(), fxiaokeTrigger: new FxiaokeTrigger(), fxiaokeWebhookTrigger: new FxiaokeWebhookTrigger() };
const nodeTypes = { getByName: (type) => nodes[type], getByNameAndVersion: (type) => nodes[type], getKnownTypes: () => ({}) };
const locator = (value, mode = 'list') => ({ __rl: true, mode, value });
const descriptionOf = (name) => nodes[name].description;

/**
 * The subtitle as n8n's editor computes it (useNodeHelpers.getNodeSubtitle, 2.41): the Workflow
 * fills in the defaults, then workflow.expression.getSimpleParameterValue evaluates the subtitle.
 */
function canvasSubtitle(type, parameters) {
	const workflow = new Workflow({ nodes: [{ id: '1', name: 'Node', type, typeVersion: 1, position: [0, 0], parameters }], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(workflow.getNode('Node'), nodes[type].description.subtitle, 'internal', {}, undefined, 'PLACEHOLDER');
}

/** The subtitle's JS with $parameter bound as n8n 1.x binds it (no $rawParameter; a resource locator as its object). */
function legacySubtitle(type, parameters) {
	const body = /^=\{\{([\s\S]*)\}\}$/.exec(nodes[type].description.subtitle)[1];
	return new Function('$parameter', '$rawParameter', `return ${body}`)(parameters, undefined);
}

describe('canvas subtitles: words from the options, evaluated as the editor evaluates them', () => {
	test('Fxiaoke: "<operation>: <resource>" for every operation of every resource, and for a new node\'s defaults', () => {
		const resources = Object.fromEntries(description.properties.find((p) => p.name === 'resource').options.map((o) => [o.value, o.name]));
		expect(canvasSubtitle('fxiaoke', { resource: 'crmObject', operation: 'create' })).toBe('Create: CRM Object');
		expect(canvasSubtitle('fxiaoke', { resource: 'message', operation: 'revoke' })).toBe('Revoke: Message');
		expect(canvasSubtitle('fxiaoke', { resource: 'crmObject', operation: 'getAll' })).toBe('Get Many: CRM Object');
		let pairs = 0;
		for (const list of operationLists) {
			for (const resource of list.displayOptions.show.resource) {
				for (const option of list.options) {
					expect(canvasSubtitle('fxiaoke', { resource, operation: option.value })).toBe(`${option.name}: ${resources[resource]}`);
					pairs++;
				}
			}
		}
		expect(pairs).toBeGreaterThan(30);
		expect(canvasSubtitle('fxiaoke', {})).toMatch(/^[A-Z][\w ]+: Message$/);
		expect(legacySubtitle('fxiaoke', { resource: 'approval', operation: 'get' })).toBe('Get: Approval');
	});

	test('Fxiaoke Trigger: the event, and for a record event the object once one is set (not "undefined", not an expression)', () => {
		expect(canvasSubtitle('fxiaokeTrigger', { event: 'updated', objectApiName: locator('AccountObj') })).toBe('Record Updated: AccountObj');
		expect(canvasSubtitle('fxiaokeTrigger', { event: 'created', objectApiName: locator('object_x__c', 'id') })).toBe('Record Created: object_x__c');
		expect(canvasSubtitle('fxiaokeTrigger', {})).toBe('Record Created or Updated');
		expect(canvasSubtitle('fxiaokeTrigger', { event: 'updated', objectApiName: locator('') })).toBe('Record Updated');
		// an object from an expression: n8n would run it (and fail, blanking the subtitle); it is left out
		expect(canvasSubtitle('fxiaokeTrigger', { event: 'updated', objectApiName: locator('={{ $json.object }}', 'id') })).toBe('Record Updated');
		// approval events read their own objects: no object shown
		expect(canvasSubtitle('fxiaokeTrigger', { event: 'approvalChanged', objectApiName: locator('AccountObj') })).toBe('Approval Changed');
		expect(canvasSubtitle('fxiaokeTrigger', { event: 'approvalTaskWaiting' })).toBe('Approval Task Waiting for Me');
		const events = descriptionOf('fxiaokeTrigger').properties.find((p) => p.name === 'event').options;
		for (const event of events) {
			const shown = canvasSubtitle('fxiaokeTrigger', { event: event.value, objectApiName: locator('LeadsObj') });
			expect(shown).toBe(event.value.startsWith('approval') ? event.name : `${event.name}: LeadsObj`);
		}
		// n8n 1.x hands the locator over as its object
		expect(legacySubtitle('fxiaokeTrigger', { event: 'updated', objectApiName: locator('AccountObj') })).toBe('Record Updated: AccountObj');
		expect(legacySubtitle('fxiaokeTrigger', { event: 'created', objectApiName: locator('') })).toBe('Record Created');
	});

	test('Fxiaoke Webhook Trigger: the source', () => {
		expect(canvasSubtitle('fxiaokeWebhookTrigger', {})).toBe('APL Function');
		expect(canvasSubtitle('fxiaokeWebhookTrigger', { source: 'eventCallback' })).toBe('Event Callback');
	});
});

describe('the nodes panel: descriptions and codex', () => {
	test('n8n merges Fxiaoke Trigger into Fxiaoke\'s entry and shows the trigger\'s description there: it speaks of both', () => {
		// n8n's editor (useActionsGeneration.generateMergedNodesAndActions): a trigger whose type name
		// less "Trigger" is a node with actions is merged into it, and `app.description = trigger.description`.
		const type = (name) => `${pkg.name}.${name}`;
		expect(type(descriptionOf('fxiaokeTrigger').name).replace('Trigger', '')).toBe(type('fxiaoke'));
		expect(type(descriptionOf('fxiaokeWebhookTrigger').name).replace('Trigger', '')).not.toBe(type('fxiaoke'));
		const merged = descriptionOf('fxiaokeTrigger').description;
		expect(merged).toMatch(/^Start a workflow when a CRM record or approval changes in Fxiaoke \(ShareCRM\)/);
		expect(merged).toMatch(/records/);
		expect(merged).toMatch(/messages/);
		expect(descriptionOf('fxiaoke').description).toMatch(/^Send messages and work with CRM records, approvals/);
		expect(descriptionOf('fxiaokeWebhookTrigger').description).toMatch(/^Starts the workflow within seconds when Fxiaoke \(ShareCRM\) pushes a record change$/);
		for (const node of Object.values(nodes)) {
			const text = node.description.description;
			// one short sentence each
			expect([text.length < 140, /[.;]\s/.test(text), text.endsWith('.')]).toEqual([true, false, false]);
		}
	});

	test('codex files: the node types they describe, n8n\'s categories, the aliases people search for, the docs', () => {
		const N8N_CATEGORIES = ['Analytics', 'Communication', 'Core Nodes', 'Data & Storage', 'Development', 'Finance & Accounting', 'HITL', 'Marketing', 'Miscellaneous', 'Productivity', 'Sales', 'Utility'];
		const dirs = { fxiaoke: 'Fxiaoke', fxiaokeTrigger: 'FxiaokeTrigger', fxiaokeWebhookTrigger: 'FxiaokeWebhookTrigger' };
		for (const [name, dir] of Object.entries(dirs)) {
			const codex = require(path.join('..', 'dist', 'nodes', dir, `${dir}.node.json`));
			expect(codex.node).toBe(`${pkg.name}.${name}`);
			expect(codex.categories).toEqual(['Communication', 'Sales']);
			expect(codex.categories.every((c) => N8N_CATEGORIES.includes(c))).toBe(true);
			expect(codex.alias).toEqual(expect.arrayContaining(['纷享销客', 'ShareCRM', 'CRM']));
			expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\/github\.com\/n8n-nodes-fxiaoke\/n8n-nodes-fxiaoke\/blob\/main\/docs\/reference\.md/);
			expect(codex.resources.credentialDocumentation[0].url).toMatch(/docs\/credentials\.md$/);
		}
	});
});

describe('the field mapper waits for an object', () => {
	const mappers = description.properties.filter((p) => p.type === 'resourceMapper');
	const shown = (parameter, operation, objectApiName) =>
		NodeHelpers.displayParameter({ resource: 'crmObject', operation, objectApiName }, parameter, null, description);

	test('create, update and upsert: hidden while no object is chosen; shown for an object from the list, by API name, or from an expression', () => {
		for (const operation of ['create', 'update', 'upsert']) {
			const mapper = mappers.find((p) => p.displayOptions.show.operation.includes(operation));
			expect(mapper.name).toBe('fields');
			expect(shown(mapper, operation, locator(''))).toBe(false);
			expect(shown(mapper, operation, locator('', 'id'))).toBe(false);
			expect(shown(mapper, operation, locator('AccountObj'))).toBe(true);
			expect(shown(mapper, operation, locator('object_x__c', 'id'))).toBe(true);
			expect(shown(mapper, operation, locator('={{ $json.object }}', 'id'))).toBe(true);
			expect(shown(mapper, operation === 'create' ? 'update' : 'create', locator('AccountObj'))).toBe(false);
			expect(mapper.typeOptions.resourceMapper.noFieldsError).toMatch(/^No fields to show: choose the object/);
		}
	});

	test('a new node (n8n fills in the defaults) has no mapper value until the object is set; Add Sales Record\'s mapper is always there', () => {
		const parameters = (values) => NodeHelpers.getNodeParameters(description.properties, values, true, false, null, description);
		expect(parameters({ resource: 'crmObject', operation: 'create' })).not.toHaveProperty('fields');
		expect(parameters({ resource: 'crmObject', operation: 'create', objectApiName: locator('AccountObj') }).fields).toMatchObject({ mappingMode: 'defineBelow' });
		const sales = mappers.find((p) => p.displayOptions.show.operation.includes('addSalesRecord'));
		expect(shown(sales, 'addSalesRecord', locator(''))).toBe(true);
	});
});
