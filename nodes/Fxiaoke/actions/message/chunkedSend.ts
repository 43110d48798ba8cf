import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { fxiaokeApiRequest } from '../../transport';
import type { NodeOptions } from '../options';
import type { MessageContent } from './content';
import { addFailureNote } from './failureNote';
import { findMessageId, withMessageId } from './messageId';

/*
 * Sending a message: in requests of at most 500 recipients, or (Send as Service Account with a raw
 * JSON body) one body as given. Sends are not idempotent (`idempotent: false`: the transport repeats
 * only a request Fxiaoke certainly did not carry out), so a failure says what was already
 * delivered: running the item again would deliver that again.
 */

export const SEND_PATH = '/cgi/message/send';
export const SERVICE_SEND_PATH = '/cgi/app/message/send';

/** Fxiaoke takes at most 500 recipients per send (API.md §7). */
const MAX_RECIPIENTS_PER_REQUEST = 500;

/** Where a message goes: the app's send, or a service account's send (which adds `serviceId`). */
export interface SendTarget {
	path: string;
	serviceId?: string;
}

/** `convertUserId` / `convertMediaId` as top-level booleans, only when switched on (API.md §5). */
export function platformFlags(options: NodeOptions): IDataObject {
	const flags: IDataObject = {};
	if (options.convertUserId) flags.convertUserId = true;
	if (options.convertMediaId) flags.convertMediaId = true;
	return flags;
}

/** The documented send body: `{serviceId?, toUser, msgType, <msgType>: content, convert flags?}`. */
export function messageBody(
	target: SendTarget,
	toUser: string[],
	message: MessageContent,
	options: NodeOptions,
): IDataObject {
	const body: IDataObject = {};
	if (target.serviceId !== undefined) body.serviceId = target.serviceId;
	body.toUser = toUser;
	body.msgType = message.msgType;
	body[message.msgType] = message.content;
	return { ...body, ...platformFlags(options) };
}

interface ChunkResult extends IDataObject {
	chunk: number;
	from: number;
	to: number;
	toUser: string[];
	response: IDataObject;
}

const range = (from: number, to: number) => (from === to ? `recipient ${from}` : `recipients ${from}–${to}`);

/**
 * Sends `message` to `recipients` in requests of at most 500 recipients, one after the other,
 * never repeating a request. One chunk: Fxiaoke's raw answer (plus `messageId`). Several:
 * `{errorCode: 0, recipientCount, chunkCount, chunks: [{chunk, from, to, toUser, response,
 * messageId?}], messageIds?}`. If a chunk fails, the error says which chunks were delivered
 * (description, and `deliveredChunks` / `deliveredRecipients` in its context).
 */
export async function sendToRecipients(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
	target: SendTarget,
	recipients: string[],
	message: MessageContent,
): Promise<IDataObject> {
	const chunks: string[][] = [];
	for (let start = 0; start < recipients.length; start += MAX_RECIPIENTS_PER_REQUEST) {
		chunks.push(recipients.slice(start, start + MAX_RECIPIENTS_PER_REQUEST));
	}
	const results: ChunkResult[] = [];
	for (let index = 0; index < chunks.length; index++) {
		const from = index * MAX_RECIPIENTS_PER_REQUEST + 1;
		const to = from + chunks[index].length - 1;
		const body = messageBody(target, chunks[index], message, options);
		let answer: IDataObject;
		try {
			answer = await fxiaokeApiRequest.call(ctx, target.path, body, itemIndex, { ...options, idempotent: false });
		} catch (error) {
			throw explainSendFailure(ctx, error, itemIndex, results, { index, from, to, count: chunks.length });
		}
		const result: ChunkResult = { chunk: index + 1, from, to, toUser: chunks[index], response: answer };
		const messageId = findMessageId(answer);
		if (messageId !== undefined) result.messageId = messageId;
		results.push(result);
	}

	if (results.length === 1) return withMessageId(results[0].response, target.serviceId);
	const output: IDataObject = {
		errorCode: 0,
		recipientCount: recipients.length,
		chunkCount: results.length,
		chunks: results,
	};
	const messageIds = results.map((r) => r.messageId).filter((id): id is string => typeof id === 'string');
	if (messageIds.length > 0) {
		output.messageIds = messageIds;
		if (target.serviceId !== undefined) output.serviceId = target.serviceId;
	}
	return output;
}

/**
 * Sends one prepared body as it is (Send as Service Account with a raw JSON body): one request,
 * never repeated; the answer is returned raw, plus `messageId` / `serviceId` when it holds a message id.
 */
export async function sendBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
	target: SendTarget,
	body: IDataObject,
): Promise<IDataObject> {
	let answer: IDataObject;
	try {
		answer = await fxiaokeApiRequest.call(ctx, target.path, body, itemIndex, { ...options, idempotent: false });
	} catch (error) {
		throw explainSendFailure(ctx, error, itemIndex, [], { index: 0, from: 1, to: 1, count: 1 });
	}
	return withMessageId(answer, target.serviceId);
}

/** The transport marks a failure after which the request may have been carried out without an answer. */
function isAmbiguous(context: IDataObject): boolean {
	return context.maybeCarriedOut === true;
}

function explainSendFailure(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	delivered: ChunkResult[],
	failed: { index: number; from: number; to: number; count: number },
): NodeApiError | NodeOperationError {
	const context =
		error instanceof NodeApiError || error instanceof NodeOperationError ? error.context : ({} as IDataObject);
	const ambiguous = isAmbiguous(context);
	const outcome = ambiguous
		? 'got no answer after the request was sent, so it may have been delivered'
		: 'was rejected';
	if (failed.count === 1) {
		const note = ambiguous
			? 'The send got no answer after the request was sent, so the message may have been delivered. Sends are never retried automatically: check before running this item again.'
			: '';
		return addFailureNote(ctx, error, itemIndex, note);
	}
	const notes: string[] = [];
	notes.push(`Chunk ${failed.index + 1} of ${failed.count} (${range(failed.from, failed.to)}) ${outcome}.`);
	if (delivered.length > 0) {
		const list = delivered
			.map((r) => `chunk ${r.chunk} (${range(r.from, r.to)}, traceId ${String(r.response.traceId ?? 'none')})`)
			.join(', ');
		notes.push(`Already delivered: ${list}.`);
	} else {
		notes.push('No chunk was delivered before it.');
	}
	if (failed.index + 1 < failed.count) {
		notes.push(`Not sent: chunk ${failed.index + 2}${failed.index + 2 < failed.count ? ` to ${failed.count}` : ''}.`);
	}
	if (delivered.length > 0) notes.push('Running this item again would send the delivered chunks again.');
	return addFailureNote(ctx, error, itemIndex, notes.join(' '), {
		chunkCount: failed.count,
		failedChunk: failed.index + 1,
		deliveredChunks: delivered.map((r) => ({ chunk: r.chunk, from: r.from, to: r.to, traceId: r.response.traceId ?? null })),
		deliveredRecipients: delivered.flatMap((r) => r.toUser),
	});
}
