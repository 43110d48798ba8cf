import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import type { OperationPrepare, PreparedRequest } from '../types';
import { sendToRecipients, SEND_PATH, type SendTarget } from './chunkedSend';
import { prepareMessage, type MessageKind } from './content';
import { MESSAGE_FIELDS, RECIPIENT_FIELDS } from './fields';
import { readRecipients } from './recipients';

/** Checks one item's recipients and message; the request it returns sends the message to `target`. */
export async function prepareSend(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
	target: SendTarget,
	kind: MessageKind,
): Promise<PreparedRequest> {
	const recipients = await readRecipients(ctx, itemIndex, options);
	const message = await prepareMessage(ctx, itemIndex, kind);
	return async () => {
		const answer = await sendToRecipients(ctx, itemIndex, options, target, recipients.toUser, await message(options));
		// Everyone the message went to, typed, looked up or picked, as sent in toUser; which value
		// named which looked-up employee stays in resolvedRecipients.
		const output: IDataObject = { ...answer, recipients: recipients.toUser };
		if (recipients.resolved !== undefined) output.resolvedRecipients = recipients.resolved;
		return output;
	};
}

/**
 * A send operation of POST /cgi/message/send `{toUser, msgType: kind, [kind]: …}`: its fields (the
 * recipients, then those of the message kind) and its prepare. The three kinds differ only there.
 */
export function sendOperation(
	operation: string,
	kind: MessageKind,
): { description: INodeProperties[]; prepare: OperationPrepare } {
	return {
		description: updateDisplayOptions({ show: { resource: ['message'], operation: [operation] } }, [
			...RECIPIENT_FIELDS,
			...MESSAGE_FIELDS[kind],
		]),
		prepare: async function (itemIndex, options) {
			return await prepareSend(this, itemIndex, options, { path: SEND_PATH }, kind);
		},
	};
}
