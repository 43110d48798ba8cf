import { NodeApiError, NodeOperationError, type JsonObject } from 'n8n-workflow';

import { InvalidBaseUrl } from './baseUrl';
import { RequestCancelled } from './cancel';
import type { FxiaokeContext } from './context';
import { ERROR_HINTS, FxiaokeApiFailure, FxiaokeTransportFailure } from './errors';

/**
 * Builds the error a user sees: no request data, no token, no secret; only what Fxiaoke (or n8n)
 * said. `context.maybeCarriedOut` says the call may have been carried out without an answer.
 */
export function toNodeError(
	ctx: FxiaokeContext,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InvalidBaseUrl) {
		return new NodeOperationError(ctx.getNode(), `Credential field "Custom URL": ${error.message}`, { itemIndex });
	}
	if (error instanceof RequestCancelled) {
		const nodeError = new NodeOperationError(ctx.getNode(), `The execution was cancelled before item ${itemIndex} was sent`, {
			itemIndex,
			description: error.maybeCarriedOut
				? 'An earlier attempt got no answer, so it may have been carried out.'
				: 'Nothing was sent for this item after the cancel.',
		});
		Object.assign(nodeError.context, { cancelled: true, itemIndex });
		if (error.maybeCarriedOut) nodeError.context.maybeCarriedOut = true;
		return nodeError;
	}
	if (error instanceof FxiaokeApiFailure) {
		const { errorCode, errorDescription, errorMessage, traceId } = error.response;
		const apiError = new NodeApiError(
			ctx.getNode(),
			{ errorCode, errorDescription, errorMessage, traceId } as JsonObject,
			{
				message: error.message,
				description:
					`errorCode ${errorCode}; traceId ${traceId ?? 'none'}; item ${itemIndex}` +
					(ERROR_HINTS[errorCode] ? `. ${ERROR_HINTS[errorCode]}` : ''),
				itemIndex,
			},
		);
		Object.assign(apiError.context, { errorCode, errorMessage, errorDescription, traceId, itemIndex });
		if (error.maybeCarriedOut) apiError.context.maybeCarriedOut = true;
		return apiError;
	}
	if (error instanceof FxiaokeTransportFailure) {
		const description =
			error.reason === 'refused-by-n8n'
				? `n8n refused to send the request to ${error.host} (its SSRF protection or allowed domains); nothing was sent; item ${itemIndex}`
				: `Transport failure (${error.reason}) talking to ${error.host}; item ${itemIndex}`;
		const apiError = new NodeApiError(
			ctx.getNode(),
			{ message: error.message, reason: error.reason, host: error.host } as JsonObject,
			{
				message: error.message,
				description,
				httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
				itemIndex,
			},
		);
		Object.assign(apiError.context, {
			transportReason: error.reason,
			host: error.host,
			httpStatus: error.httpStatus,
			itemIndex,
		});
		if (error.maybeCarriedOut) apiError.context.maybeCarriedOut = true;
		return apiError;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}
