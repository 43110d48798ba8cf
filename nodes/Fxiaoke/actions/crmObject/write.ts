import { NodeApiError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { ERROR_CODES, fxiaokeApiRequest, type FxiaokeEnvelope, type RequestOptions } from '../../transport';
import { dataPath, type DataAction } from './paths';

/**
 * A write (a record's create, update, invalidate, delete or change of owner, a lock, a team change, an
 * approval action, a function call): sent once, never repeated after it may have been carried out; an
 * error after an unanswered attempt says so, naming `subject`. `hint`, when given, is added to a
 * Fxiaoke error's description (what must hold, where Fxiaoke documents no code for it).
 */
export async function sendWrite(
	ctx: IExecuteFunctions,
	itemIndex: number,
	path: string,
	body: IDataObject,
	subject: string,
	options: RequestOptions,
	hint?: string,
): Promise<FxiaokeEnvelope> {
	try {
		return await fxiaokeApiRequest.call(ctx, path, body, itemIndex, { ...options, idempotent: false });
	} catch (error) {
		if (hint !== undefined && error instanceof NodeApiError) error.description = `${error.description ?? ''} ${hint}`.trim();
		throw withWriteNote(error, subject);
	}
}

/** A data write of a record (…/data/<action>, custom objects by their own path). */
export async function writeRecord(
	ctx: IExecuteFunctions,
	itemIndex: number,
	apiName: string,
	action: DataAction,
	body: IDataObject,
	options: RequestOptions,
): Promise<FxiaokeEnvelope> {
	return await sendWrite(ctx, itemIndex, dataPath(apiName, action), body, `The ${action} of this ${apiName} record`, options);
}

/**
 * An error after an unanswered attempt says the write may have been carried out; so does "system
 * busy" (-1) or "service exception, e.g. timeout" (50009): the docs do not say the write did not happen.
 */
function withWriteNote(error: unknown, subject: string): unknown {
	if (error instanceof NodeApiError && (ERROR_CODES.transient as readonly unknown[]).includes(error.context.errorCode)) {
		error.context.maybeCarriedOut = true;
	}
	if (error instanceof NodeApiError && error.context.maybeCarriedOut === true) {
		error.description = `${error.description ?? ''}. ${subject} got no answer after it was sent, so it may have been carried out. Writes are never repeated automatically: check in Fxiaoke before running this item again.`;
	}
	return error;
}
