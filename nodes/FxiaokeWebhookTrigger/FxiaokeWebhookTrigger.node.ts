import { randomBytes } from 'crypto';
import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { getRecord } from '../Fxiaoke/actions/crmObject/query';
import { readOptions } from '../Fxiaoke/actions/options';
import { triggerParameters } from '../Fxiaoke/actions/parameters';
import { aplFunction, SECRET_HEADER, SECRET_PLACEHOLDER } from './apl';
import { aesKeyOf, callbackReply, checkCallback, sameText } from './eventCallback';
import { PUSH_EVENTS, pushFromApl, pushFromCallback, RecentChanges, type Push } from './push';

/** The largest body taken (a record is a few KB; Fxiaoke's APL allows 5 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The shortest Secret taken (it stands between the URL and the workflow). */
export const MIN_SECRET_LENGTH = 16;
/**
 * How many of the newest change digests the workflow's static data keeps (17 bytes each, saved
 * with every push): enough for Fxiaoke's retries, which come within minutes, across a restart.
 */
export const SAVED_CHANGES = 1000;
/** A callback older or newer than this is refused as a possible replay. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

type Source = 'aplFunction' | 'eventCallback';

const recent = new Map<string, RecentChanges>();
/** The changes this trigger node took lately (per workflow and node, in this process). */
function recentOf(ctx: IWebhookFunctions): RecentChanges {
	const key = `${String(ctx.getWorkflow().id)}|${ctx.getNode().id}`;
	let changes = recent.get(key);
	if (changes === undefined) {
		changes = new RecentChanges();
		recent.set(key, changes);
	}
	return changes;
}

/**
 * Whether a change is new to this trigger node, remembering it. Memory answers; the workflow's
 * static data carries the newest keys across a restart and between webhook processes: n8n loads it
 * for each push and saves it once the push's webhook call returns (see saveRecentChanges).
 */
function isNewChange(ctx: IWebhookFunctions, changeKey: string): boolean {
	const saved = ctx.getWorkflowStaticData('node').recentChanges;
	const changes = recentOf(ctx);
	changes.remember(Array.isArray(saved) ? saved : []);
	return changes.add(changeKey);
}

/** Called last: concurrent pushes each save static data, the last save wins, so each holds all that memory knows by then. */
function saveRecentChanges(ctx: IWebhookFunctions): void {
	ctx.getWorkflowStaticData('node').recentChanges = recentOf(ctx).newest(SAVED_CHANGES);
}

const showFor = (source: Source) => ({ show: { source: [source] } });

export class FxiaokeWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fxiaoke Webhook Trigger',
		name: 'fxiaokeWebhookTrigger',
		icon: { light: 'file:fxiaoke.svg', dark: 'file:fxiaoke.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["source"] === "eventCallback" ? "Event Callback" : "APL Function" }}',
		description: 'Starts the workflow within seconds when Fxiaoke (ShareCRM) pushes a record change',
		defaults: { name: 'Fxiaoke Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fxiaokeApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'fxiaoke' },
			// Opened in a browser: the APL function to paste into Fxiaoke, with this URL in it.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'fxiaoke' },
		],
		properties: [
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'APL Function in a Fxiaoke Workflow',
						value: 'aplFunction',
						description: 'A function this node generates posts each record the Fxiaoke workflow runs for',
					},
					{
						name: 'Event Callback (Experimental)',
						value: 'eventCallback',
						description: 'Fxiaoke\'s signed, encrypted event callback; known from Fxiaoke\'s demo only, not its manual',
					},
				],
				default: 'aplFunction',
			},
			{
				displayName:
					'In Fxiaoke: Process Management → Workflow Management → a workflow on the object (on creation, on a field update, …) → action "Custom Function" → a new APL function. Its text: open this node\'s Production URL (above) in a browser, paste what it shows, and put this node\'s Secret in its secret line. Publish this workflow in n8n first.',
				name: 'aplNotice',
				type: 'notice',
				default: '',
				displayOptions: showFor('aplFunction'),
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				description: 'Any random text of at least 16 characters; the APL function sends it in the X-Fxiaoke-Secret header, and a push without it is refused',
				displayOptions: showFor('aplFunction'),
			},
			{
				displayName:
					'Experimental: Fxiaoke\'s manual does not document the event callback. In the admin console: System Integration → Event Callback Settings: the URL is this node\'s Production URL, the key the AES Key below.',
				name: 'callbackNotice',
				type: 'notice',
				default: '',
				displayOptions: showFor('eventCallback'),
			},
			{
				displayName: 'AES Key',
				name: 'aesKey',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				description: 'The event callback\'s key as the admin console shows it: 44 Base64 characters ending in "="',
				displayOptions: showFor('eventCallback'),
			},
			{
				displayName: 'Objects',
				name: 'objects',
				type: 'string',
				default: '',
				placeholder: 'e.g. AccountObj, LeadsObj',
				description: 'API names of the objects whose changes start the workflow, separated by commas; empty: every object. Others are answered and dropped.',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Record Created', value: 'created' },
					{ name: 'Record Updated', value: 'updated' },
					{ name: 'Record Invalidated', value: 'invalidated', description: 'Moved to the recycle bin' },
				],
				default: ['created', 'updated', 'invalidated'],
				description: 'Which changes start the workflow; others are answered and dropped',
			},
			{
				displayName: 'Fetch Full Record',
				name: 'fetchFullRecord',
				type: 'boolean',
				default: true,
				description:
					'Whether the record is read from Fxiaoke before the workflow starts (an APL function\'s record can hold stale roll-ups; the event callback holds no record at all)',
			},
		],
	};

	/**
	 * Fxiaoke has no call that registers a URL (the admin attaches the function, or sets the
	 * callback URL, by hand): activation checks the settings instead, so that a missing secret or a
	 * key that cannot work stops the activation with a clear message.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('source', 'aplFunction') === 'eventCallback') {
					try {
						aesKeyOf(String(this.getNodeParameter('aesKey', '')));
					} catch (error) {
						throw new NodeOperationError(this.getNode(), `AES Key (aesKey): ${(error as Error).message}`);
					}
				} else if (String(this.getNodeParameter('secret', '')).length < MIN_SECRET_LENGTH) {
					throw new NodeOperationError(this.getNode(), `Secret (secret) must be at least ${MIN_SECRET_LENGTH} characters: anyone who learns the URL could push changes otherwise`);
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		const source = this.getNodeParameter('source', 'aplFunction') as Source;
		const answer = (status: number, body: IDataObject): IWebhookResponseData => {
			res.status(status).json(body);
			return { noWebhookResponse: true };
		};

		if (this.getWebhookName() === 'setup') {
			const text =
				source === 'aplFunction'
					? aplFunction(this.getNodeWebhookUrl('default') ?? '', SECRET_PLACEHOLDER)
					: 'The event callback needs no function: in the Fxiaoke admin console, set this URL and the AES Key of the n8n node.\n';
			res.status(200).type('text/plain; charset=utf-8').send(text);
			return { noWebhookResponse: true };
		}

		// What a caller sends is checked before anything else happens; nothing of it is logged.
		const req = this.getRequestObject();
		const raw = (req as unknown as { rawBody?: { length: number } }).rawBody;
		const body = this.getBodyData();
		if ((raw?.length ?? JSON.stringify(body).length) > MAX_BODY_BYTES) return answer(413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
		if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) return answer(400, { error: 'the body must be JSON (Content-Type: application/json)' });

		let push: Push | string;
		let reply: IDataObject;
		if (source === 'eventCallback') {
			const aesKey = String(this.getNodeParameter('aesKey', ''));
			const check = checkCallback(body, aesKey, Date.now(), REPLAY_WINDOW_MS);
			if (!check.ok) return answer(check.status, { error: check.reason });
			push = pushFromCallback(check.event);
			reply = callbackReply(aesKey, 'success', Date.now(), randomBytes(8).toString('hex'));
		} else {
			const secret = String(this.getNodeParameter('secret', ''));
			const given = req.headers[SECRET_HEADER];
			if (secret === '' || typeof given !== 'string' || !sameText(given, secret)) return answer(401, { error: 'the secret header is missing or wrong' });
			push = pushFromApl(body);
			reply = { received: true };
		}
		if (typeof push === 'string') return answer(400, { error: push });

		// Changes the workflow does not want, and repeats, are answered as taken (Fxiaoke would retry
		// a refusal) and start nothing.
		const objects = String(this.getNodeParameter('objects', ''))
			.split(',')
			.map((o) => o.trim())
			.filter((o) => o !== '');
		const events = this.getNodeParameter('events', PUSH_EVENTS) as string[];
		if ((objects.length > 0 && !objects.includes(push.objectApiName)) || !events.includes(push.event)) return answer(200, reply);
		// A test event (Listen for Test Event) is shown every time, repeat or not.
		if (this.getMode() !== 'manual' && !isNewChange(this, push.changeKey)) return answer(200, reply);

		// Answered at once (Fxiaoke's function waits 5 s at most); the record is read after.
		answer(200, reply);
		const item: IDataObject = {
			objectApiName: push.objectApiName,
			recordId: push.recordId,
			event: push.event,
			record: push.data,
			receivedAt: new Date().toISOString(),
			source,
		};
		if (this.getNodeParameter('fetchFullRecord', true) === true) {
			try {
				const envelope = await getRecord(this, 0, push.objectApiName, push.recordId, readOptions(triggerParameters(this)));
				item.record = (envelope.data as IDataObject | undefined) ?? null;
			} catch (error) {
				// The change is still emitted, with what was pushed and why the read failed.
				item.fetchError = error instanceof Error ? error.message : String(error);
			}
		}
		if (this.getMode() !== 'manual') saveRecentChanges(this);
		return { noWebhookResponse: true, workflowData: [[{ json: item }]] };
	}
}
