// The demos that start with a Fxiaoke Trigger, against a sandbox filled as `npm start` fills it
// (scripts/demos.js): Fetch Test Event finds a record on the first try, twice; and what the
// workflow's sticky note says to do (a POST to /sandbox/change) is a change the published trigger
// picks up at its next poll. (Their downstream nodes run in real n8n: trigger.e2e runs
// account-level-message, send-and-wait.e2e discount-approval, record-actions.e2e deal-won.)
const fs = require('node:fs');
const { FxiaokeTrigger } = require('../nodes/FxiaokeTrigger/FxiaokeTrigger.node');
const { createPollContext, sandboxCredential, useSandbox } = require('./support/harness');
const { DEMO_EXAMPLES, DEMO_SANDBOX_URL, seedDemos } = require('../scripts/demos');
const DEMO = require('../sandbox/demo-app');

let sandbox;
let baseUrl;
useSandbox({}, (env) => ({ sandbox, baseUrl } = env));

const triggerDemos = DEMO_EXAMPLES.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')))
	.map((workflow) => ({ workflow, trigger: workflow.nodes.find((n) => n.type === 'n8n-nodes-fxiaoke.fxiaokeTrigger') }))
	.filter((d) => d.trigger !== undefined);

test('three demos start with a Fxiaoke Trigger', () => {
	expect(triggerDemos.map((d) => d.workflow.id).sort()).toEqual(['fxkDealWon', 'fxkDiscountAsk', 'fxkKeyAccountMsg']);
});

describe.each(triggerDemos.map((d) => [d.workflow.name, d]))('%s', (_name, { workflow, trigger }) => {
	const poll = async (staticData, mode) => {
		const context = createPollContext({ parameters: { ...trigger.parameters, options: { rateLimit: 100000, rateLimitWindow: 1 } }, credential: sandboxCredential(baseUrl), staticData, mode, workflowId: workflow.id });
		const out = await new FxiaokeTrigger().poll.call(context);
		return out === null ? null : out[0].map((i) => i.json);
	};

	test('Fetch Test Event finds a record on the first try, and again', async () => {
		const seeded = seedDemos(sandbox, DEMO.serviceId);
		for (const attempt of [1, 2]) {
			const items = await poll({}, 'manual');
			expect([attempt, items?.length]).toEqual([attempt, 1]);
		}
		if (workflow.id === 'fxkKeyAccountMsg') expect((await poll({}, 'manual'))[0]).toMatchObject({ _id: seeded.keyAccount, account_level: '1' });
	});

	test('the sticky note\'s command (when it has one) is a change the published trigger emits at its next poll', async () => {
		seedDemos(sandbox, DEMO.serviceId);
		const note = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.stickyNote').parameters.content;
		const command = /-d '(\{.*\})'/.exec(note);
		if (!command || !note.includes(`${DEMO_SANDBOX_URL}/sandbox/change`)) return; // (discount-approval: a create, made with a node)
		const body = JSON.parse(command[1]);
		const staticData = {};
		expect(await poll(staticData, 'trigger')).toBeNull(); // the first poll sets the starting point
		sandbox.crm.advance(1000);
		const res = await fetch(`${baseUrl}/sandbox/change`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		expect(res.status).toBe(200);
		sandbox.crm.advance(1000);
		const items = await poll(staticData, 'trigger');
		expect(items).toEqual([expect.objectContaining({ _id: body.recordId, ...body.fields })]);
	});
});
