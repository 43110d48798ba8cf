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
