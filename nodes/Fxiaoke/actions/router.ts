import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toNodeError } from '../transport';
import * as approval from './approval';
import * as crmObject from './crmObject';
import * as customFunction from './customFunction';
import * as department from './department';
import * as employee from './employee';
import * as media from './media';
import * as message from './message';
import { readOptions } from './options';
import type { OperationPrepare, PreparedRequest } from './types';

const operations: Record<string, Record<string, OperationPrepare>> = {
	message: {
		revoke: message.revoke.prepare,
		sendText: message.sendText.prepare,
		sendComposite: message.sendComposite.prepare,
		sendArticles: message.sendArticles.prepare,
		sendAsServiceAccount: message.sendAsServiceAccount.prepare,
	},
	media: { upload: media.upload.prepare },
	employee: { get: employee.get.prepare, getAll: employee.getAll.prepare, find: employee.find.prepare },
	department: { get: department.get.prepare, getAll: department.getAll.prepare },
	crmObject: {
		create: crmObject.create.prepare,
		get: crmObject.get.prepare,
		getAll: crmObject.getAll.prepare,
		update: crmObject.update.prepare,
		upsert: crmObject.upsert.prepare,
		delete: crmObject.deleteRecord.prepare,
		changeOwner: crmObject.changeOwner.prepare,
		lock: crmObject.lock.prepare,
		unlock: crmObject.unlock.prepare,
		recover: crmObject.recover.prepare,
		addTeamMembers: crmObject.addTeamMembers.prepare,
		updateTeamMembers: crmObject.updateTeamMembers.prepare,
		removeTeamMembers: crmObject.removeTeamMembers.prepare,
		uploadFile: crmObject.uploadFile.prepare,
		downloadFile: crmObject.downloadFile.prepare,
		returnToPool: crmObject.returnToPool.prepare,
		claimFromPool: crmObject.claimFromPool.prepare,
		moveStage: crmObject.moveStage.prepare,
		addSalesRecord: crmObject.addSalesRecord.prepare,
	},
	customFunction: { call: customFunction.call.prepare },
	approval: {
		getAll: approval.getAll.prepare,
		get: approval.get.prepare,
		approve: approval.approve.prepare,
		reject: approval.reject.prepare,
		cancel: approval.cancel.prepare,
	},
};

/** Operations that change something in Fxiaoke (Revoke may be repeated: it is not among them). */
const WRITES = new Set([
	'sendText', 'sendComposite', 'sendArticles', 'sendAsServiceAccount', 'create', 'update', 'upsert', 'delete', 'changeOwner',
	'approve', 'reject', 'cancel', 'lock', 'unlock', 'recover', 'call', 'addTeamMembers', 'updateTeamMembers', 'removeTeamMembers',
	'uploadFile', 'returnToPool', 'claimFromPool', 'moveStage', 'addSalesRecord',
]);
/** At most this many completed items are named in an error's description (its context has all). */
const NAMED_COMPLETED = 20;

/** The value n8n gives the "Custom API Call" choice it adds to nodes whose credential authenticates. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

const ERROR_ITEM_KEYS = [
	'errorCode',
	'errorMessage',
	'errorDescription',
	'traceId',
	'transportReason',
	'host',
	'httpStatus',
	'possiblyRevoked',
	'chunkCount',
	'failedChunk',
	'deliveredChunks',
	'deliveredRecipients',
	'maybeCarriedOut',
];

/**
 * What an error becomes as an output item under Continue On Fail: `error` (the message) and
 * `details` (the description and Fxiaoke's fields), no request data. One shape for both "On
 * Error" settings: n8n routes an item to the error output when its JSON holds only `error`,
 * `message` and `details` (an item carrying the error object itself would lose its JSON to
 * `{ error }`).
 */
export function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	for (const key of ERROR_ITEM_KEYS) {
		const value = error.context[key];
		if (value !== undefined) details[key] = value as IDataObject[string];
	}
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}

/**
 * Without Continue On Fail a run stops at its first failing item, but with Concurrency above 1 other
 * items' writes may have completed meanwhile: the error names them (item, dataId or traceId), so that
 * a re-run can leave them out instead of writing them twice.
 */
function withCompletedWrites(error: unknown, results: INodeExecutionData[][]): unknown {
	if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) return error;
	const completed: IDataObject[] = [];
	results.forEach((output, item) => {
		const json = output?.[0]?.json;
		if (json === undefined) return;
		completed.push({ item, ...(json.dataId !== undefined ? { dataId: json.dataId } : {}), ...(json.traceId !== undefined ? { traceId: json.traceId } : {}) });
	});
	if (completed.length === 0) return error;
	const named = completed
		.slice(0, NAMED_COMPLETED)
		.map((c) => `item ${String(c.item)}${c.dataId !== undefined ? ` (dataId ${String(c.dataId)})` : ''}`)
		.join(', ');
	const more = completed.length > NAMED_COMPLETED ? ` and ${completed.length - NAMED_COMPLETED} more` : '';
	error.context.completedItems = completed;
	error.description = [error.description, `Carried out before the run stopped (leave them out of a re-run): ${named}${more}.`].filter(Boolean).join(' ');
	return error;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	if (resource === CUSTOM_API_CALL || operation === CUSTOM_API_CALL) {
		throw new NodeOperationError(this.getNode(), 'Custom API Call is not supported by the Fxiaoke node', {
			description:
				'Use the HTTP Request node with Authentication "Predefined Credential Type" and "Fxiaoke API": it adds the token, x-fs-ea, x-fs-userid and thirdTraceId.',
		});
	}
	if (!operations[resource]?.[operation]) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`);
	}

	const options = readOptions(this);
	const prepare = operations[resource]?.[operation];
	const signal = this.getExecutionCancelSignal?.();
	const results: INodeExecutionData[][] = new Array(items.length);
	const fail = (itemIndex: number, error: unknown) => {
		const nodeError = toNodeError(this, error, itemIndex);
		if (!this.continueOnFail()) throw nodeError;
		results[itemIndex] = [errorItem(nodeError, itemIndex)];
	};

	// Every item is checked and its request built before the first request of the run is sent:
	// without Continue On Fail a bad item means nothing is sent.
	const prepared: Array<PreparedRequest | undefined> = new Array(items.length);
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared[itemIndex] = await prepare.call(this, itemIndex, options);
		} catch (error) {
			fail(itemIndex, error);
		}
	}

	// Items run `concurrency` at a time; results land in their input slot, so order and pairing hold.
	// Without Continue On Fail the run stops at the first failing item (by input order); after a
	// cancel no item is started.
	const stop: { itemIndex: number; error?: unknown } = { itemIndex: Infinity };
	let next = 0;
	const worker = async () => {
		while (next < items.length && stop.error === undefined && signal?.aborted !== true) {
			const itemIndex = next++;
			const send = prepared[itemIndex];
			if (send === undefined) continue;
			try {
				const output = await send();
				// (returnJsonArray passes an item with `json` through, binary data and all.)
				results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(output as IDataObject), {
					itemData: { item: itemIndex },
				});
			} catch (error) {
				try {
					fail(itemIndex, error);
				} catch (nodeError) {
					if (itemIndex < stop.itemIndex) Object.assign(stop, { itemIndex, error: nodeError });
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
	if (stop.error !== undefined) throw WRITES.has(operation) ? withCompletedWrites(stop.error, results) : stop.error;
	if (signal?.aborted === true) {
		throw new NodeOperationError(this.getNode(), 'The execution was cancelled', {
			description: 'Items not started before the cancel were not sent.',
		});
	}
	return [results.flat()];
}
