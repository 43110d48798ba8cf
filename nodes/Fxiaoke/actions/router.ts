import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toNodeError } from '../transport';
import * as message from './message';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject>;

const operations: Record<string, Record<string, OperationExecute>> = {
	message: { revoke: message.revoke.execute },
};

/** The value n8n gives the "Custom API Call" choice it adds to nodes whose credential authenticates. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/** What an error becomes as an output item under Continue On Fail: Fxiaoke's fields, no request data. */
export function errorItemJson(error: unknown): IDataObject {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
		for (const key of ['errorCode', 'errorDescription', 'traceId', 'transportReason', 'host', 'httpStatus']) {
			const value = error.context[key];
			if (value !== undefined) json[key] = value as IDataObject[string];
		}
	}
	return json;
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

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const json = await execute.call(this, itemIndex);
			output.push(
				...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(json), {
					itemData: { item: itemIndex },
				}),
			);
		} catch (error) {
			const nodeError = toNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			output.push({ json: errorItemJson(nodeError), pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
