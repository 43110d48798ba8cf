import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toNodeError } from '../transport';
import * as media from './media';
import * as message from './message';
import { readOptions, type NodeOptions } from './options';

export type OperationExecute = (
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
) => Promise<IDataObject>;

const operations: Record<string, Record<string, OperationExecute>> = {
	message: {
		revoke: message.revoke.execute,
		sendText: message.sendText.execute,
		sendComposite: message.sendComposite.execute,
		sendArticles: message.sendArticles.execute,
		sendAsServiceAccount: message.sendAsServiceAccount.execute,
	},
	media: { upload: media.upload.execute },
};

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
];

/**
 * What an error becomes as an output item under Continue On Fail: Fxiaoke's fields, no request data.
 * n8n sends an item to the error output only if its JSON holds nothing but `error`, `message` and
 * `details` (and it would replace the JSON of an item carrying an `error` object), so for that
 * setting the fields go into `details`.
 */
export function errorItemJson(error: unknown, forErrorOutput = false): IDataObject {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
		for (const key of ERROR_ITEM_KEYS) {
			const value = error.context[key];
			if (value !== undefined) json[key] = value as IDataObject[string];
		}
	}
	if (!forErrorOutput) return json;
	const { error: message, ...details } = json;
	return { error: message, details };
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
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not known`);
	}

	const options = readOptions(this);
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
	// Items run `concurrency` at a time; results land in their input slot, so order and pairing hold.
	const results: INodeExecutionData[][] = new Array(items.length);
	// Without Continue On Fail the run stops at the first failing item (by input order).
	const stop: { itemIndex: number; error?: Error } = { itemIndex: Infinity };
	let next = 0;
	const worker = async () => {
		while (next < items.length && stop.error === undefined) {
			const itemIndex = next++;
			try {
				const json = await execute.call(this, itemIndex, options);
				results[itemIndex] = this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(json), {
					itemData: { item: itemIndex },
				});
			} catch (error) {
				const nodeError = toNodeError(this, error, itemIndex);
				if (this.continueOnFail()) {
					results[itemIndex] = [{ json: errorItemJson(nodeError, toErrorOutput), pairedItem: { item: itemIndex } }];
				} else if (itemIndex < stop.itemIndex) {
					Object.assign(stop, { itemIndex, error: nodeError });
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
	if (stop.error !== undefined) throw stop.error;
	const output = results.flat();
	return [output];
}
