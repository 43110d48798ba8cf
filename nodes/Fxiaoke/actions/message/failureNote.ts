import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

/**
 * Adds `note` (and `context`) to an error from the transport. The transport knows why a request
 * failed, not what the operation had done before it (chunks delivered, no message sent yet): the
 * note tells the user that, so they know whether running the item again repeats a delivery.
 */
export function addFailureNote(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	note: string,
	context: IDataObject = {},
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (note !== '') error.description = error.description ? `${note} ${error.description}` : note;
		Object.assign(error.context, context);
		return error;
	}
	const cause = error instanceof Error ? error : new Error(String(error));
	const wrapped = new NodeOperationError(ctx.getNode(), cause, { itemIndex, description: note });
	Object.assign(wrapped.context, context);
	return wrapped;
}
