import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { objectApiNameField } from '../Fxiaoke/actions/crmObject/fields';
import { description as getAllFields, readFilters } from '../Fxiaoke/actions/crmObject/getAll.operation';
import { PAGE_LIMIT, queryPage, type QueryFilter, type QuerySpec } from '../Fxiaoke/actions/crmObject/query';
import { describeObject, forgetDescribes } from '../Fxiaoke/actions/crmObject/schema';
import { simplifyField, simplifyRecord } from '../Fxiaoke/actions/crmObject/simplify';
import { optionsCollection, readOptions } from '../Fxiaoke/actions/options';
import { getFieldNames, searchObjects } from '../Fxiaoke/methods/crmObject';
import { toNodeError } from '../Fxiaoke/transport';
import { changedSinceCreated, markTimeOf, newEvents, OVERLAP_MS, scanSince, timeFieldOf, type TriggerEvent, type TriggerState } from './changes';

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const EVENTS: TriggerEvent[] = ['created', 'updated', 'createdOrUpdated'];
const MAX_WORKFLOW_ID = 21;
/** Fetch Test Event looks through at most this many pages of the newest records for one of its event. */
const FETCH_PAGES = 5;

type Orders = QuerySpec['orders'];
type Page = (extra: QueryFilter[], orders: Orders, projection?: string[], offset?: number) => Promise<IDataObject[]>;

/** The newest record (in `orders`) that matches the filters and is of `event`; undefined if none. */
async function newestOfEvent(page: Page, filters: QueryFilter[], orders: Orders, event: TriggerEvent): Promise<IDataObject | undefined> {
	for (let p = 0; p < FETCH_PAGES; p++) {
		const records = await page(filters, orders, undefined, p * PAGE_LIMIT);
		const found = event === 'updated' ? records.find(changedSinceCreated) : records[0];
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

/**
 * The poll context as the CRM Object helpers read parameters (they take an item index first): a
 * poll has one "item", its parameters.
 */
function asExecute(ctx: IPollFunctions): IExecuteFunctions {
	return {
		getNode: () => ctx.getNode(),
		getTimezone: () => ctx.getTimezone(),
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown, options?: { extractValue?: boolean }) =>
			ctx.getNodeParameter(name, fallback, options),
	} as unknown as IExecuteFunctions;
}

export class FxiaokeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fxiaoke Trigger',
		name: 'fxiaokeTrigger',
		icon: { light: 'file:fxiaoke.svg', dark: 'file:fxiaoke.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] + ": " + $parameter["objectApiName"].value }}',
		description: 'Starts the workflow when a CRM record is created or changed in Fxiaoke (ShareCRM)',
		defaults: { name: 'Fxiaoke Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fxiaokeApi', required: true }],
		properties: [
			{ ...objectApiNameField, displayOptions: undefined },
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{ name: 'Record Created', value: 'created' },
					{ name: 'Record Updated', value: 'updated', description: 'A change to a record after it was created' },
					{ name: 'Record Created or Updated', value: 'createdOrUpdated' },
				],
				default: 'createdOrUpdated',
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
			filtersField(),
			simplifyField,
			{
				...optionsCollection,
				// Pacing and timeout, shared with the Fxiaoke node's requests to the same app
				options: (optionsCollection.options ?? []).filter((o) => ['rateLimit', 'rateLimitWindow', 'timeout'].includes(o.name)),
			},
		],
	};

	methods = { listSearch: { searchObjects }, loadOptions: { getFieldNames } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const apiName = String(this.getNodeParameter('objectApiName', '', { extractValue: true }) ?? '').trim();
		if (!API_NAME.test(apiName)) throw new NodeOperationError(this.getNode(), 'Object (objectApiName) is not an API name (letters, digits and underscores)');
		const event = this.getNodeParameter('event', 'createdOrUpdated') as TriggerEvent;
		if (!EVENTS.includes(event)) throw new NodeOperationError(this.getNode(), `Event (event) must be created, updated or createdOrUpdated, not ${JSON.stringify(event)}`);
		const watched = event === 'updated' ? (this.getNodeParameter('watchFields', []) as string[]) : [];
		const simplify = this.getNodeParameter('simplify', true) === true;
		const field = timeFieldOf(event);
		const manual = this.getMode() === 'manual';
		// n8n saves a workflow's static data, where this state lives, only for IDs of at most 21
		// characters (16 in n8n 1.x): with a longer one every restart would start from now again.
		const workflowId = String(this.getWorkflow().id ?? '');
		if (!manual && workflowId.length > MAX_WORKFLOW_ID) {
			throw new NodeOperationError(this.getNode(), `The workflow ID "${workflowId}" is longer than ${MAX_WORKFLOW_ID} characters, so n8n would not keep this trigger's state`, {
				description: 'Changes made while n8n is stopped would be lost. Import the workflow again without its "id" (n8n then gives it one), or with an ID of at most 16 letters and digits.',
			});
		}

		try {
			const options = readOptions(asExecute(this));
			forgetDescribes(this);
			const fields = await describeObject(this, apiName, 0, options);
			const filters = readFilters(asExecute(this), 0, fields);
			const page: Page = async (extra, orders, projection, offset = 0) => {
				const info: IDataObject = { limit: PAGE_LIMIT, offset, filters: extra, orders };
				if (projection) info.fieldProjection = projection;
				return (await queryPage(this, 0, apiName, info, false, options)).records;
			};
			const output = (records: IDataObject[]) => records.map((r) => ({ json: simplify ? simplifyRecord(r, fields) : r }));

			// Only what deciding needs is read while polling; the records to emit are then read whole.
			const projection = ['_id', 'create_time', 'last_modified_time', ...watched];
			const scan = async (from: number) => await scanSince((extra, orders) => page([...filters, ...extra], orders, projection), [], field, from);
			const newestFirst = [{ fieldName: field, isAsc: false }, { fieldName: '_id', isAsc: false }];
			if (manual) {
				// Fetch Test Event: the newest record that matches the filters and the event (for Record
				// Updated, one changed after it was created); the saved mark is left alone.
				const newest = await newestOfEvent(page, filters, newestFirst, event);
				if (newest === undefined) {
					const what = event === 'updated' ? `changed after its creation among the ${FETCH_PAGES * PAGE_LIMIT} most recently changed` : 'matches the filters';
					throw new NodeOperationError(this.getNode(), `No ${apiName} record ${what}`, {
						description: 'Create or change a record in Fxiaoke (or loosen the filters), then fetch a test event again.',
					});
				}
				return [output([newest])];
			}

			const key = JSON.stringify([apiName, event, watched]);
			const data = this.getWorkflowStaticData('node') as { state?: TriggerState };
			if (data.state === undefined || data.state.key !== key) {
				// First activation (or another object or event): from now on, by Fxiaoke's clock: the
				// newest record's time is the mark, and what changed within the overlap before it counts
				// as seen, so that no old record is emitted.
				const [newest] = await page(filters, newestFirst, projection);
				const mark = newest === undefined ? 0 : markTimeOf(newest, field);
				const fresh = { key, mark: Number.isFinite(mark) ? mark : 0, seen: {}, hashes: {} };
				data.state = newEvents(await scan(fresh.mark - OVERLAP_MS), fresh, event, watched).state;
				return null;
			}
			const { events, state } = newEvents(await scan(data.state.mark - OVERLAP_MS), data.state, event, watched);
			const records: IDataObject[] = [];
			for (let start = 0; start < events.length; start += PAGE_LIMIT) {
				const ids = events.slice(start, start + PAGE_LIMIT).map((r) => r._id);
				const whole = new Map((await page([{ field_name: '_id', field_values: ids, operator: 'IN' }], [{ fieldName: '_id', isAsc: true }])).map((r) => [String(r._id), r]));
				// (A record deleted since it was found is emitted as found.)
				for (const r of events.slice(start, start + PAGE_LIMIT)) records.push(whole.get(String(r._id)) ?? r);
			}
			// The state changes only once everything was read: a failed poll leaves it as it was.
			data.state = state;
			return records.length === 0 ? null : [output(records)];
		} catch (error) {
			throw toNodeError(this, error, 0);
		}
	}
}
