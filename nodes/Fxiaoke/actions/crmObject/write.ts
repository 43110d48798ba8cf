import { NodeApiError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { ERROR_CODES, fxiaokeApiRequest, type FxiaokeEnvelope, type RequestOptions } from '../../transport';
import { dataPath, type DataAction } from './paths';

/**
 * A write (create, update, invalidate, delete, change owner): sent once, never repeated after it
 * may have been carried out; an error after an unanswered attempt says so.
 */
export async function writeRecord(
	ctx: IExecuteFunctions,
	itemIndex: number,
	apiName: string,
	action: DataAction,
	body: IDataObject,
	options: RequestOptions,
): Promise<FxiaokeEnvelope> {
	try {
		return await fxiaokeApiRequest.call(ctx, dataPath(apiName, action), body, itemIndex, { ...options, idempotent: false });
	} catch (error) {
		throw withWriteNote(error, `The ${action} of this ${apiName} record`);
	}
}

/**
 * An error after an unanswered attempt says the write may have been carried out; so does "system
 * busy" (-1) or "service exception, e.g. timeout" (50009): the docs do not say the write did not happen.
 */
export function withWriteNote(error: unknown, subject: string): unknown {
	if (error instanceof NodeApiError && (ERROR_CODES.transient as readonly unknown[]).includes(error.context.errorCode)) {
		error.context.maybeCarriedOut = true;
	}
	if (error instanceof NodeApiError && error.context.maybeCarriedOut === true) {
		error.description = `${error.description ?? ''}. ${subject} got no answer after it was sent, so it may have been carried out. Writes are never repeated automatically: check in Fxiaoke before running this item again.`;
	}
	return error;
}
