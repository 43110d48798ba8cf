import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { actingUser } from '../Fxiaoke/actions/approval/api';
import { objectApiNameField } from '../Fxiaoke/actions/crmObject/fields';
import { description as getAllFields, readFilters } from '../Fxiaoke/actions/crmObject/getAll.operation';
import { PAGE_LIMIT, queryPage, type QueryFilter, type QuerySpec } from '../Fxiaoke/actions/crmObject/query';
import { describeObject, forgetDescribes } from '../Fxiaoke/actions/crmObject/schema';
import { simplifyField, simplifyRecord } from '../Fxiaoke/actions/crmObject/simplify';
import { optionsCollection, readOptions, type NodeOptions } from '../Fxiaoke/actions/options';
import { triggerParameters } from '../Fxiaoke/actions/parameters';
import { getFieldNames, searchObjects } from '../Fxiaoke/methods/crmObject';
import { mapLiteral, optionNames, savedLocatorValue, savedValue, subtitleOf } from '../Fxiaoke/subtitle';
import { toNodeError } from '../Fxiaoke/transport';
import {
	ChangeTracker,
	changedSinceCreated,
	markTimeOf,
	MODIFIED,
	MAX_HASHES,
	OVERLAP_MS,
	pagesPast,
	timeFieldOf,
	type TriggerEvent,
	type TriggerState,
} from './changes';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** The trigger's Event choices: record events, and approval events read from the approval objects. */
type EventChoice = TriggerEvent | 'approvalChanged' | 'approvalTaskWaiting';
const EVENTS: EventChoice[] = ['created', 'updated', 'createdOrUpdated', 'approvalChanged', 'approvalTaskWaiting'];
const APPROVAL_EVENTS = ['approvalChanged', 'approvalTaskWaiting'];
/** The approval states Approval Changed can wait for (API.md §15). */
const APPROVAL_STATES = ['pass', 'reject', 'cancel', 'in_progress', 'error'];
const MAX_WORKFLOW_ID = 21;
/** Fetch Test Event looks through at most this many pages of the newest records for one of its event. */
const FETCH_PAGES = 5;
/**
 * The most changes one poll emits (Max Changes per Poll's default): about 100 calls, 20 s at
 * Fxiaoke's 100 calls per 20 s (API.md §6.3), with the reads of whole records.
 */
export const DEFAULT_MAX_EVENTS = 5000;
/** A poll stops reading at this share of n8n's poll budget, keeping the rest to emit and save. */
const BUDGET_SHARE = 0.8;
/**
 * The budget where n8n gives none (1.x): what n8n 2.41 gives by default (its 45 s poll timeout less
 * a 9 s margin), well inside the one-minute poll interval.
 */
const FALLBACK_BUDGET_MS = 36_000;

type Orders = QuerySpec['orders'];
type Page = (extra: QueryFilter[], orders: Orders, projection?: string[], offset?: number) => Promise<IDataObject[]>;

/** The trigger's settings, checked before anything is read. */
interface Settings {
	/** The Event chosen. */
	choice: EventChoice;
	apiName: string;
	/** How the object is scanned (an approval event: every creation and change). */
	event: TriggerEvent;
	/** The modification time's field (from the describe: approval objects name it last_modify_time). */
	modified: string;
	/** Filters of an approval event, beside the user's. */
	extraFilters: QueryFilter[];
	/** Which of the changed records an approval event emits; the fields it reads. */
	accept: (record: IDataObject) => boolean;
	acceptFields: string[];
	key: string;
	watched: string[];
	simplify: boolean;
	maxEvents: number;
	options: NodeOptions;
}

/** The newest record (in `orders`) that matches the filters and is of the settings' event; undefined if none. */
async function newestOfEvent(page: Page, orders: Orders, settings: Settings): Promise<IDataObject | undefined> {
	const isEvent = (r: IDataObject) => settings.accept(r) && (settings.event !== 'updated' || changedSinceCreated(r, settings.modified));
	for (let p = 0; p < FETCH_PAGES; p++) {
		const records = await page([], orders, undefined, p * PAGE_LIMIT);
		const found = records.find(isEvent);
		if (found !== undefined || records.length < PAGE_LIMIT) return found;
	}
	return undefined;
}

/** The Filters rows of CRM Object → Get Many, shown without its display options. */
function filtersField(): INodeProperties {
	const copy = { ...(getAllFields.find((p) => p.name === 'filters') as INodeProperties) };
	delete copy.displayOptions;
	return copy;
}

/** When this poll stops reading: at BUDGET_SHARE of n8n's poll budget (older n8n has none: a fixed one). */
function deadlineOf(ctx: IPollFunctions): number {
	const budget = typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : FALLBACK_BUDGET_MS;
	return Date.now() + BUDGET_SHARE * budget;
}

/** The Event choices (their names are also the canvas subtitle's). */
const eventField: INodeProperties = {
	displayName: 'Event',
	name: 'event',
	type: 'options',
	options: [
		{ name: 'Approval Changed', value: 'approvalChanged', description: 'An approval (ApprovalInstanceObj) started or reached one of the chosen states' },
		{
			name: 'Approval Task Waiting for Me',
			value: 'approvalTaskWaiting',
			description: 'A task of an approval (ApprovalTaskObj) waits for the acting employee: the credential\'s User ID',
		},
		{ name: 'Record Created', value: 'created' },
		{ name: 'Record Created or Updated', value: 'createdOrUpdated' },
		{ name: 'Record Updated', value: 'updated', description: 'A change to a record after it was created' },
	],
	default: 'createdOrUpdated',
};

/**
 * "Record Updated: AccountObj", "Approval Changed": the event's name, and for a record event the
 * object's API name once one is set.
 */
function subtitle(): string {
	const names = optionNames(eventField);
	const recordEvents = Object.fromEntries(Object.keys(names).filter((e) => !APPROVAL_EVENTS.includes(e)).map((e) => [e, e]));
	const event = savedValue('event');
	return subtitleOf(`${mapLiteral(names)}[${event}]`, `(${mapLiteral(recordEvents)}[${event}] ? ${savedLocatorValue('objectApiName')} : "")`);
}

export class FxiaokeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fxiaoke Trigger',
		name: 'fxiaokeTrigger',
		icon: { light: 'file:fxiaoke.svg', dark: 'file:fxiaoke.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: subtitle(),
		// n8n's nodes panel shows Fxiaoke and this trigger as one entry ("Fxiaoke", its actions and
		// these events), described by this text (the trigger's description replaces the node's): so it
		// says both what starts a workflow and what the actions do.
		description: 'Start a workflow when a CRM record or approval changes in Fxiaoke (ShareCRM), or act on records, approvals and messages',
		defaults: { name: 'Fxiaoke Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fxiaokeApi', required: true }],
		properties: [
			{ ...objectApiNameField, displayOptions: { hide: { event: APPROVAL_EVENTS } } },
			eventField,
			{
				displayName: 'States',
				name: 'approvalStates',
				type: 'multiOptions',
				options: [
					{ name: 'Cancelled', value: 'cancel' },
					{ name: 'Error', value: 'error' },
					{ name: 'In Progress', value: 'in_progress', description: 'Started, or moved on to its next task' },
					{ name: 'Passed', value: 'pass' },
					{ name: 'Rejected', value: 'reject' },
				],
				default: ['pass', 'reject', 'cancel'],
				description: 'An approval is emitted each time it changes while in one of these states',
				displayOptions: { show: { event: ['approvalChanged'] } },
			},
			{
				displayName: 'Only When These Fields Change',
				name: 'watchFields',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: ['objectApiName.value'] },
				default: [],
				description:
					'An update counts only when one of these fields has a new value; none chosen: every update. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				displayOptions: { show: { event: ['updated'] } },
			},
			{ ...filtersField(), displayOptions: { hide: { event: APPROVAL_EVENTS } } },
			simplifyField,
			{
				...optionsCollection,
				// Pacing and timeout, shared with the Fxiaoke node's requests to the same app
				options: [
					{
						displayName: 'Max Changes per Poll',
						name: 'maxChangesPerPoll',
						type: 'number',
						typeOptions: { minValue: 1, numberPrecision: 0 },
						default: DEFAULT_MAX_EVENTS,
						description:
							'The most changes one poll emits. A larger backlog (an import, a mass update) is emitted over the next polls, each change once, oldest first. A poll also stops reading before n8n\'s time limit for a poll.',
					},
					...(optionsCollection.options ?? []).filter((o) => ['rateLimit', 'rateLimitWindow', 'timeout'].includes(o.name)),
				],
			},
		],
	};

	methods = { listSearch: { searchObjects }, loadOptions: { getFieldNames } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = checkSettings(this);
		try {
			forgetDescribes(this);
			const fields = await describeObject(this, settings.apiName, 0, settings.options);
			// the approval objects name their modification time last_modify_time (API.md §15): the describe says
			if (!fields.some((f) => f.apiName === MODIFIED) && fields.some((f) => f.apiName === 'last_modify_time')) settings.modified = 'last_modify_time';
			if (settings.choice === 'approvalTaskWaiting') settings.accept = waitsFor(await actingUser(this));
			const filters = APPROVAL_EVENTS.includes(settings.choice) ? settings.extraFilters : readFilters(triggerParameters(this), 0, fields);
			const page: Page = async (extra, orders, projection, offset = 0) => {
				const info: IDataObject = { limit: PAGE_LIMIT, offset, filters: [...filters, ...extra], orders };
				if (projection) info.fieldProjection = projection;
				return (await queryPage(this, 0, settings.apiName, info, false, settings.options)).records;
			};
			const output = (records: IDataObject[]) => [records.map((r) => ({ json: settings.simplify ? simplifyRecord(r, fields) : r }))];

			// Fetch Test Event keeps no state.
			if (this.getMode() === 'manual') return output([await fetchTestEvent(this, page, settings)]);

			const deadline = deadlineOf(this);
			const key = settings.key;
			const data = this.getWorkflowStaticData('node') as { state?: TriggerState };
			if (data.state === undefined || data.state.key !== key) {
				// First activation (or another object, event or watched fields): from now on.
				data.state = await baseline(page, settings, key, deadline);
				return null;
			}
			const { records, state } = await readChanges(page, settings, data.state, deadline);
			// Committed only once everything was read: a failed poll leaves the state as it was.
			data.state = state;
			return records.length === 0 ? null : output(records);
		} catch (error) {
			throw toNodeError(this, error, 0);
		}
	}
}

/** The parameters, checked before anything is read. */
function checkSettings(ctx: IPollFunctions): Settings {
	const node = ctx.getNode();
	const choice = ctx.getNodeParameter('event', 'createdOrUpdated') as EventChoice;
	if (!EVENTS.includes(choice)) throw new NodeOperationError(node, `Event (event) must be one of ${EVENTS.join(', ')}, not ${JSON.stringify(choice)}`);
	const approval = approvalSettings(ctx, choice);
	const apiName = approval?.apiName ?? String(ctx.getNodeParameter('objectApiName', '', { extractValue: true }) ?? '').trim();
	if (!API_NAME.test(apiName)) throw new NodeOperationError(node, 'Object (objectApiName) is not an API name (letters, digits and underscores)');
	const event: TriggerEvent = approval === undefined ? (choice as TriggerEvent) : 'createdOrUpdated';
	const maxEvents = Number((ctx.getNodeParameter('options', {}) as IDataObject).maxChangesPerPoll ?? DEFAULT_MAX_EVENTS);
	if (!Number.isInteger(maxEvents) || maxEvents < 1) {
		throw new NodeOperationError(node, `Option "Max Changes per Poll" must be a whole number of at least 1, not ${JSON.stringify(maxEvents)}`);
	}
	// n8n saves a workflow's static data, where this state lives, only for IDs of at most 21
	// characters (16 in n8n 1.x): with a longer one every restart would start from now again.
	const workflowId = String(ctx.getWorkflow().id ?? '');
	if (ctx.getMode() !== 'manual' && workflowId.length > MAX_WORKFLOW_ID) {
		throw new NodeOperationError(node, `The workflow ID "${workflowId}" is longer than ${MAX_WORKFLOW_ID} characters, so n8n would not keep this trigger's state`, {
			description: 'Changes made while n8n is stopped would be lost. Import the workflow again without its "id" (n8n then gives it one), or with an ID of at most 16 letters and digits.',
		});
	}
	const watched = event === 'updated' ? (ctx.getNodeParameter('watchFields', []) as string[]) : [];
	return {
		choice,
		apiName,
		event,
		modified: MODIFIED,
		extraFilters: approval?.filters ?? [],
		accept: approval?.accept ?? (() => true),
		acceptFields: approval?.fields ?? [],
		key: JSON.stringify(approval === undefined ? [apiName, event, watched] : [apiName, choice, approval.key]),
		watched,
		simplify: ctx.getNodeParameter('simplify', true) === true,
		maxEvents,
		options: readOptions(triggerParameters(ctx)),
	};
}

/**
 * An approval event: which object it reads, the filters it adds, which changed records it emits.
 * Approval Changed: ApprovalInstanceObj in the chosen states. Approval Task Waiting for Me:
 * ApprovalTaskObj in progress with the acting employee among its approvers (candidate_ids).
 */
function approvalSettings(ctx: IPollFunctions, choice: EventChoice) {
	if (choice === 'approvalChanged') {
		const states = ctx.getNodeParameter('approvalStates', []) as string[];
		const wrong = states.filter((s) => !APPROVAL_STATES.includes(s));
		if (states.length === 0 || wrong.length > 0) {
			throw new NodeOperationError(ctx.getNode(), `States (approvalStates) must be one or more of ${APPROVAL_STATES.join(', ')}${wrong.length > 0 ? `, not ${wrong.join(', ')}` : ''}`);
		}
		return { apiName: 'ApprovalInstanceObj', filters: [{ field_name: 'state', field_values: states, operator: 'IN' }], accept: () => true, fields: [], key: [...states].sort() };
	}
	if (choice === 'approvalTaskWaiting') {
		// accept is set by the poll, which reads the acting employee from the credential
		return { apiName: 'ApprovalTaskObj', filters: [{ field_name: 'state', field_values: ['in_progress'], operator: 'EQ' }], accept: () => false, fields: ['candidate_ids'], key: [] };
	}
	return undefined;
}

/** Whether the acting employee is among a task's approvers (ApprovalTaskObj candidate_ids). */
const waitsFor = (user: string) => (task: IDataObject) => Array.isArray(task.candidate_ids) && (task.candidate_ids as unknown[]).map(String).includes(user);

/** Only what deciding needs is read while scanning; the records to emit are then read whole. */
const projectionOf = (settings: Settings) => ['_id', 'create_time', settings.modified, ...settings.watched, ...settings.acceptFields];
const newestFirst = (field: string): Orders => [
	{ fieldName: field, isAsc: false },
	{ fieldName: '_id', isAsc: false },
];

/**
 * Fetch Test Event: the newest record that matches the filters and the event (for Record Updated,
 * one changed after it was created).
 */
async function fetchTestEvent(ctx: IPollFunctions, page: Page, settings: Settings): Promise<IDataObject> {
	const newest = await newestOfEvent(page, newestFirst(timeFieldOf(settings.event, settings.modified)), settings);
	if (newest !== undefined) return newest;
	const what = settings.event === 'updated' ? `changed after its creation among the ${FETCH_PAGES * PAGE_LIMIT} most recently changed` : 'matches the filters';
	throw new NodeOperationError(ctx.getNode(), `No ${settings.apiName} record ${what}`, {
		description: 'Create or change a record in Fxiaoke (or loosen the filters), then fetch a test event again.',
	});
}

/**
 * The state a trigger starts from, by Fxiaoke's clock: the newest record's time is the mark, and
 * what changed within the overlap before it counts as seen, so that no old record is emitted. With
 * watched fields, the watched values of the most recently changed records are kept too (newest
 * first, up to MAX_HASHES or the poll's deadline), so that a later change is compared with them.
 */
async function baseline(page: Page, settings: Settings, key: string, deadline: number): Promise<TriggerState> {
	const field = timeFieldOf(settings.event, settings.modified);
	const projection = projectionOf(settings);
	const scan = (extra: QueryFilter[], orders: Orders) => page(extra, orders, projection);
	const [newest] = await page([], newestFirst(field), projection);
	const newestTime = newest === undefined ? 0 : markTimeOf(newest, field, settings.modified);
	const mark = Number.isFinite(newestTime) ? newestTime : 0;
	const tracker = new ChangeTracker({ key, mark, seen: {}, hashes: {} }, settings.event, settings.watched, settings.modified);
	if (settings.watched.length > 0) {
		const recent: IDataObject[] = [];
		for await (const found of pagesPast(scan, settings.modified, { time: mark }, false)) {
			recent.push(...found.slice(0, MAX_HASHES - recent.length));
			if (recent.length >= MAX_HASHES || Date.now() >= deadline) break;
		}
		// Oldest first: the hashes are trimmed from the oldest.
		for (const record of recent.reverse()) tracker.baseline(record);
	}
	for await (const found of pagesPast(scan, field, { time: mark - OVERLAP_MS })) for (const record of found) tracker.take(record);
	return tracker.result(true);
}

/**
 * The changes since the state, in (time, _id) order, read whole: up to Max Changes per Poll, and
 * reading stops at the deadline (after at least one page, so that every poll moves on); the state
 * then holds a cursor at the last record taken.
 */
async function readChanges(page: Page, settings: Settings, state: TriggerState, deadline: number): Promise<{ records: IDataObject[]; state: TriggerState }> {
	const field = timeFieldOf(settings.event, settings.modified);
	const projection = projectionOf(settings);
	const tracker = new ChangeTracker(state, settings.event, settings.watched, settings.modified);
	// Draining a backlog goes on from its cursor; records that turn up late behind it are caught by
	// the overlap once it is drained.
	const from = state.cursor ?? { time: state.mark - OVERLAP_MS };
	const records: IDataObject[] = [];
	let drained = true;
	for await (const found of pagesPast((extra, orders) => page(extra, orders, projection), field, from)) {
		const events: IDataObject[] = [];
		for (const record of found) {
			if (records.length + events.length >= settings.maxEvents) {
				drained = false;
				break;
			}
			if (tracker.take(record) && settings.accept(record)) events.push(record);
		}
		records.push(...(await readWhole(page, events)));
		if (!drained || Date.now() >= deadline) {
			drained = false;
			break;
		}
	}
	return { records, state: tracker.result(drained) };
}

/** The records as they are now, whole, in the order given (a record deleted since it was found: as found). */
async function readWhole(page: Page, found: IDataObject[]): Promise<IDataObject[]> {
	if (found.length === 0) return [];
	const whole = new Map((await page([{ field_name: '_id', field_values: found.map((r) => r._id), operator: 'IN' }], [{ fieldName: '_id', isAsc: true }])).map((r) => [String(r._id), r]));
	return found.map((r) => whole.get(String(r._id)) ?? r);
}
