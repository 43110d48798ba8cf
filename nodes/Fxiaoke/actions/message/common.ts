import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { fxiaokeApiRequest } from '../../transport';
import { readImage, uploadImage, type ImageFile } from '../media/image';
import type { NodeOptions } from '../options';
import { CONTROL_CHARACTERS, inputError, kindOf, MAX_ID_LENGTH, type FieldRef } from '../validation';

/*
 * Shared by every send operation: the recipients field and its parsing, the message fields of the
 * three documented message kinds (text, composite, articles) with their body builders, and the
 * chunked sending. Send Text / Composite / Image-Text and Send as Service Account all use these,
 * so both endpoints get exactly the same message body.
 */

export const SEND_PATH = '/cgi/message/send';
export const SERVICE_SEND_PATH = '/cgi/app/message/send';

/** Fxiaoke takes at most 500 recipients per send (API.md §7). */
export const MAX_RECIPIENTS_PER_REQUEST = 500;
export const MAX_ARTICLES = 7;
/** Article limits in characters, counted as Unicode code points (an emoji is one character). */
export const ARTICLE_LIMITS = { title: 45, author: 8, description: 140 } as const;
/** Longer than any Fxiaoke media id or npath; anything bigger is a mistake. */
const MAX_MEDIA_ID_LENGTH = 1024;

export type MessageKind = 'text' | 'composite' | 'articles';

/** Separators of a recipients string: comma, Chinese comma and enumeration comma, semicolons, line breaks. */
const RECIPIENT_SEPARATORS = /[,，、;；\r\n]+/;

// ---------------------------------------------------------------- field descriptions

/** Recipients. Display options are added by each operation (see `updateDisplayOptions`). */
export const recipientsField: INodeProperties = {
	displayName: 'Recipients',
	name: 'toUser',
	type: 'string',
	required: true,
	default: '',
	placeholder: '1000, 1001',
	description:
		'Employee IDs of the recipients (open-platform user IDs FSUID_… when the option Convert User IDs is on): a comma-separated list, one per line, or an expression returning an array. Duplicates are dropped. More than 500 recipients are sent in several requests of at most 500.',
};

export const textFields: INodeProperties[] = [
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description: 'Text of the message',
	},
];

export const compositeFields: INodeProperties[] = [
	{
		displayName: 'Head Title',
		name: 'headTitle',
		type: 'string',
		required: true,
		default: '',
		description: 'Title in the header of the card (composite.head.title)',
	},
	{
		displayName: 'First Content',
		name: 'firstContent',
		type: 'string',
		default: '',
		description: 'Content title shown first in the card (composite.first.content). Optional.',
	},
	{
		displayName: 'Form Rows',
		name: 'formRows',
		type: 'fixedCollection',
		placeholder: 'Add Row',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		description: 'Label and value rows of the card (composite.form). Rows with neither label nor value are left out.',
		options: [
			{
				displayName: 'Row',
				name: 'row',
				values: [
					{ displayName: 'Label', name: 'label', type: 'string', default: '', description: 'Text on the left of the row, e.g. Customer' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Text on the right of the row, e.g. Acme Corp' },
				],
			},
		],
	},
	{
		displayName: 'Remark',
		name: 'remark',
		type: 'string',
		default: '',
		description: 'Summary shown below the rows (composite.remark.content). Optional.',
	},
	{
		displayName: 'Link Title',
		name: 'linkTitle',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'View details',
		description: 'Title of the click-through link (composite.link.title)',
	},
	{
		displayName: 'Link URL',
		name: 'linkUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/orders/42',
		description:
			'Where the card leads when tapped; may be a Fxiaoke link such as fs://CRM/…',
	},
];

export const articleFields: INodeProperties[] = [
	{
		displayName: 'Articles',
		name: 'articles',
		type: 'fixedCollection',
		placeholder: 'Add Article',
		required: true,
		default: {},
		typeOptions: { multipleValues: true, sortable: true, multipleValueButtonText: 'Add Article' },
		description: '1 to 7 image-text articles, shown as cards with a cover image',
		options: [
			{
				displayName: 'Article',
				name: 'article',
				values: [
					{
						displayName: 'Author',
						name: 'author',
						type: 'string',
						default: '',
						description: 'Author, at most 8 characters. Optional.',
					},
					{
						displayName: 'Content',
						name: 'content',
						type: 'string',
						default: '',
						typeOptions: { rows: 4 },
						description: 'Body text when Type is Text; the link to open when Type is URL',
					},
					{
						displayName: 'Cover Binary Property',
						name: 'coverBinaryProperty',
						type: 'string',
						default: 'data',
						description:
							'Binary property of the input item holding the cover image (JPG, PNG, GIF or BMP, at most 5 MB). It is uploaded first; its mediaId becomes the cover.',
						displayOptions: { show: { coverSource: ['binary'] } },
					},
					{
						displayName: 'Cover Media ID',
						name: 'coverMediaId',
						type: 'string',
						default: '',
						description: 'MediaId of an image uploaded before (Media → Upload Image)',
						displayOptions: { show: { coverSource: ['mediaId'] } },
					},
					{
						displayName: 'Cover Source',
						name: 'coverSource',
						type: 'options',
						options: [
							{
								name: 'Media ID',
								value: 'mediaId',
								description: 'An image already uploaded to Fxiaoke',
							},
							{
								name: 'Binary Property of the Input Item',
								value: 'binary',
								description: 'Upload an image of the input item first',
							},
						],
						default: 'mediaId',
						description: 'Where the cover image comes from',
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						description: 'Summary, at most 140 characters. Optional.',
					},
					{
						displayName: 'Show Cover in Content',
						name: 'coverImageInContent',
						type: 'boolean',
						default: false,
						description: 'Whether the cover image is also shown inside the body (only for Type Text)',
						displayOptions: { show: { type: ['TEXT'] } },
					},
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Title, 1 to 45 characters',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Text', value: 'TEXT', description: 'Content is the body text' },
							{ name: 'URL', value: 'URL', description: 'Content is a link' },
						],
						default: 'TEXT',
						description: 'Whether the article shows its own text or opens a link',
					},
				],
			},
		],
	},
];

/** The message fields of one kind. */
export const MESSAGE_FIELDS: Record<MessageKind, INodeProperties[]> = {
	text: textFields,
	composite: compositeFields,
	articles: articleFields,
};

// ---------------------------------------------------------------- reading values

function quote(value: string): string {
	const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
	return JSON.stringify(shown);
}

const codePoints = (text: string) => [...text].length;

/** A text value: strings as given, numbers and booleans as text, empty for null/undefined. */
function readText(ctx: IExecuteFunctions, itemIndex: number, value: unknown, field: FieldRef): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw inputError(ctx, itemIndex, field, `must be text, not ${kindOf(value)},`);
}

function requireText(ctx: IExecuteFunctions, itemIndex: number, value: unknown, field: FieldRef): string {
	const text = readText(ctx, itemIndex, value, field);
	if (text.trim() === '') throw inputError(ctx, itemIndex, field, 'is empty');
	return text;
}

function parameter(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: unknown = ''): unknown {
	return ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
}

/**
 * Reads `toUser`: an array (nested arrays are flattened), or a string of IDs separated by commas
 * (also `，` `、` `;` or line breaks), or a number. Entries are trimmed; empty ones and duplicates
 * are dropped (first occurrence kept); each must be at most 256 characters with no control characters.
 */
export function readRecipients(ctx: IExecuteFunctions, itemIndex: number): string[] {
	const field: FieldRef = { label: 'Recipients', name: 'toUser' };
	const value = parameter(ctx, 'toUser', itemIndex);
	let entries: unknown[];
	if (Array.isArray(value)) entries = value.flat(Infinity) as unknown[];
	else if (typeof value === 'string' || typeof value === 'number') entries = [value];
	else if (value === undefined || value === null) entries = [];
	else throw inputError(ctx, itemIndex, field, `must be a list of IDs (text or an array), not ${kindOf(value)},`);

	const recipients: string[] = [];
	const seen = new Set<string>();
	for (const entry of entries) {
		let pieces: string[];
		if (typeof entry === 'string') pieces = entry.split(RECIPIENT_SEPARATORS);
		else if (typeof entry === 'number' && Number.isFinite(entry)) pieces = [String(entry)];
		else if (entry === null || entry === undefined) pieces = [];
		else throw inputError(ctx, itemIndex, field, `contains ${kindOf(entry)}; every entry must be an ID (text or a number)`);
		for (const piece of pieces) {
			const id = piece.trim();
			if (id === '') continue;
			if (id.length > MAX_ID_LENGTH) {
				throw inputError(ctx, itemIndex, field, `contains an ID of ${id.length} characters (at most ${MAX_ID_LENGTH})`);
			}
			if (CONTROL_CHARACTERS.test(id)) {
				throw inputError(ctx, itemIndex, field, `contains an ID with control characters (${quote(id)})`);
			}
			if (!seen.has(id)) {
				seen.add(id);
				recipients.push(id);
			}
		}
	}
	if (recipients.length === 0) throw inputError(ctx, itemIndex, field, 'is empty: give at least one employee ID');
	return recipients;
}

// ---------------------------------------------------------------- message bodies

/** The content part of a send body: `msgType` and the object of that name. */
export interface MessageContent {
	msgType: MessageKind;
	content: IDataObject | IDataObject[];
}

/** Text: `{content}`. */
export function buildText(ctx: IExecuteFunctions, itemIndex: number): MessageContent {
	const content = requireText(ctx, itemIndex, parameter(ctx, 'content', itemIndex), { label: 'Content', name: 'content' });
	return { msgType: 'text', content: { content } };
}

/** Composite: `{head, first?, form?, remark?, link}`; empty optional parts are left out. */
export function buildComposite(ctx: IExecuteFunctions, itemIndex: number): MessageContent {
	const headTitle = requireText(ctx, itemIndex, parameter(ctx, 'headTitle', itemIndex), {
		label: 'Head Title',
		name: 'headTitle',
	});
	const firstContent = readText(ctx, itemIndex, parameter(ctx, 'firstContent', itemIndex), {
		label: 'First Content',
		name: 'firstContent',
	});
	const remark = readText(ctx, itemIndex, parameter(ctx, 'remark', itemIndex), { label: 'Remark', name: 'remark' });
	const linkTitle = requireText(ctx, itemIndex, parameter(ctx, 'linkTitle', itemIndex), {
		label: 'Link Title',
		name: 'linkTitle',
	});
	const linkUrl = requireText(ctx, itemIndex, parameter(ctx, 'linkUrl', itemIndex), { label: 'Link URL', name: 'linkUrl' }).trim();
	if (CONTROL_CHARACTERS.test(linkUrl)) {
		throw inputError(ctx, itemIndex, { label: 'Link URL', name: 'linkUrl' }, 'contains control characters (such as a line break)');
	}

	const formRows = parameter(ctx, 'formRows', itemIndex, {}) as { row?: unknown };
	const rows = Array.isArray(formRows?.row) ? (formRows.row as unknown[]) : [];
	const form: IDataObject[] = [];
	rows.forEach((row, index) => {
		const where = `of row ${index + 1}`;
		const values = (row ?? {}) as IDataObject;
		const label = readText(ctx, itemIndex, values.label, { label: 'Label', name: 'formRows', where });
		const value = readText(ctx, itemIndex, values.value, { label: 'Value', name: 'formRows', where });
		if (label.trim() !== '' || value.trim() !== '') form.push({ label, value });
	});

	const composite: IDataObject = { head: { title: headTitle } };
	if (firstContent.trim() !== '') composite.first = { content: firstContent };
	if (form.length > 0) composite.form = form;
	if (remark.trim() !== '') composite.remark = { content: remark };
	composite.link = { title: linkTitle, url: linkUrl };
	return { msgType: 'composite', content: composite };
}

interface ArticleDraft {
	article: IDataObject;
	/** Set when the cover comes from a binary property; uploaded after every check passed. */
	cover?: { property: string; image: ImageFile };
}

/** Checks every article (count, lengths, required fields, cover images) without sending anything. */
async function prepareArticles(ctx: IExecuteFunctions, itemIndex: number): Promise<ArticleDraft[]> {
	const collection = parameter(ctx, 'articles', itemIndex, {}) as { article?: unknown };
	const list = Array.isArray(collection?.article) ? (collection.article as unknown[]) : [];
	const articlesField: FieldRef = { label: 'Articles', name: 'articles' };
	if (list.length === 0) throw inputError(ctx, itemIndex, articlesField, `is empty: add 1 to ${MAX_ARTICLES} articles`);
	if (list.length > MAX_ARTICLES) {
		throw inputError(ctx, itemIndex, articlesField, `has ${list.length} articles (at most ${MAX_ARTICLES})`);
	}

	const drafts: ArticleDraft[] = [];
	for (let index = 0; index < list.length; index++) {
		const values = (list[index] ?? {}) as IDataObject;
		const where = `of article ${index + 1}`;
		const ref = (label: string, name: string): FieldRef => ({ label, name, where });
		const limited = (label: string, name: keyof typeof ARTICLE_LIMITS, required: boolean): string => {
			const field = ref(label, name);
			const text = required
				? requireText(ctx, itemIndex, values[name], field)
				: readText(ctx, itemIndex, values[name], field);
			const length = codePoints(text);
			if (length > ARTICLE_LIMITS[name]) {
				throw inputError(ctx, itemIndex, field, `is ${length} characters long (at most ${ARTICLE_LIMITS[name]})`);
			}
			return text;
		};

		const title = limited('Title', 'title', true);
		const author = limited('Author', 'author', false);
		const description = limited('Description', 'description', false);
		const type = values.type ?? 'TEXT';
		if (type !== 'TEXT' && type !== 'URL') {
			throw inputError(ctx, itemIndex, ref('Type', 'type'), `must be TEXT or URL, not ${quote(String(type))},`);
		}
		const content = requireText(ctx, itemIndex, values.content, ref('Content', 'content'));

		const article: IDataObject = { title };
		if (author.trim() !== '') article.author = author;
		if (description.trim() !== '') article.description = description;
		const draft: ArticleDraft = { article };
		const source = values.coverSource ?? 'mediaId';
		if (source === 'binary') {
			const field = ref('Cover Binary Property', 'coverBinaryProperty');
			const property = values.coverBinaryProperty ?? 'data';
			draft.cover = { property: String(property).trim(), image: await readImage(ctx, itemIndex, property, field) };
			article.coverImage = '';
		} else if (source === 'mediaId') {
			const field = ref('Cover Media ID', 'coverMediaId');
			const mediaId = requireText(ctx, itemIndex, values.coverMediaId, field).trim();
			if (mediaId.length > MAX_MEDIA_ID_LENGTH) {
				throw inputError(ctx, itemIndex, field, `is ${mediaId.length} characters long (at most ${MAX_MEDIA_ID_LENGTH})`);
			}
			if (CONTROL_CHARACTERS.test(mediaId)) {
				throw inputError(ctx, itemIndex, field, 'contains control characters (such as a line break)');
			}
			article.coverImage = mediaId;
		} else {
			throw inputError(ctx, itemIndex, ref('Cover Source', 'coverSource'), `must be mediaId or binary, not ${quote(String(source))},`);
		}
		// Only Type TEXT knows coverImageInContent (API.md §7.3).
		if (type === 'TEXT') article.coverImageInContent = values.coverImageInContent === true;
		article.type = type;
		article.content = content;
		drafts.push(draft);
	}
	return drafts;
}

/** Uploads the binary covers (each binary property once) and puts their mediaIds into the articles. */
async function uploadCovers(
	ctx: IExecuteFunctions,
	itemIndex: number,
	drafts: ArticleDraft[],
	options: NodeOptions,
): Promise<void> {
	const uploaded = new Map<string, string>();
	for (let index = 0; index < drafts.length; index++) {
		const { article, cover } = drafts[index];
		if (!cover) continue;
		let mediaId = uploaded.get(cover.property);
		if (mediaId === undefined) {
			let answer: IDataObject;
			try {
				answer = await uploadImage(ctx, itemIndex, cover.image, options);
			} catch (error) {
				throw explain(
					ctx,
					error,
					itemIndex,
					`Uploading the cover image of article ${index + 1} (binary property "${cover.property}") failed; no message was sent.`,
				);
			}
			if (typeof answer.mediaId !== 'string' || answer.mediaId === '') {
				throw new NodeOperationError(
					ctx.getNode(),
					`Fxiaoke's answer to the cover image upload of article ${index + 1} has no mediaId in item ${itemIndex}`,
					{ itemIndex, description: `Answer: ${JSON.stringify(answer)}. No message was sent.` },
				);
			}
			mediaId = answer.mediaId;
			uploaded.set(cover.property, mediaId);
		}
		article.coverImage = mediaId;
	}
}

/** A message checked and built; binary covers are uploaded only when it is sent. */
export type PreparedMessage = (options: NodeOptions) => Promise<MessageContent>;

/** Checks and builds the content of one message kind without sending anything. */
export async function prepareMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	kind: MessageKind,
): Promise<PreparedMessage> {
	if (kind === 'text') {
		const text = buildText(ctx, itemIndex);
		return async () => text;
	}
	if (kind === 'composite') {
		const composite = buildComposite(ctx, itemIndex);
		return async () => composite;
	}
	const drafts = await prepareArticles(ctx, itemIndex);
	return async (options) => {
		await uploadCovers(ctx, itemIndex, drafts, options);
		return { msgType: 'articles', content: drafts.map((d) => d.article) };
	};
}

/** `convertUserId` / `convertMediaId` as top-level booleans, only when switched on (API.md §5). */
export function platformFlags(options: NodeOptions): IDataObject {
	const flags: IDataObject = {};
	if (options.convertUserId) flags.convertUserId = true;
	if (options.convertMediaId) flags.convertMediaId = true;
	return flags;
}

/** Where a message goes: the app's send, or a service account's send (which adds `serviceId`). */
export interface SendTarget {
	path: string;
	serviceId?: string;
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

// ---------------------------------------------------------------- sending and output

/** A message id in Fxiaoke's answer, if there is one (none is documented, API.md §7.6). */
function findMessageId(answer: IDataObject): string | undefined {
	for (const source of [answer, answer.data]) {
		if (source === null || typeof source !== 'object' || Array.isArray(source)) continue;
		const id = (source as IDataObject).messageId;
		if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) return String(id);
	}
	return undefined;
}

/**
 * Fxiaoke's raw answer, plus `messageId` at the top level when the answer holds one, and for
 * service-account sends the `serviceId` a later Revoke needs.
 */
export function withMessageId(answer: IDataObject, serviceId?: string): IDataObject {
	const messageId = findMessageId(answer);
	if (messageId === undefined) return { ...answer };
	const output: IDataObject = { ...answer, messageId };
	if (serviceId !== undefined) {
		output.serviceId = typeof answer.serviceId === 'string' && answer.serviceId !== '' ? answer.serviceId : serviceId;
	}
	return output;
}

/** The transport marks a failure after which the request may have been carried out without an answer. */
function isAmbiguous(context: IDataObject): boolean {
	return context.maybeCarriedOut === true;
}

/** Adds `note` (and `context`) to an error from the transport, so the user knows what happened already. */
function explain(
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
 * never repeating a request (sends are not idempotent). One chunk: Fxiaoke's raw answer (plus
 * `messageId`). Several: `{errorCode: 0, recipientCount, chunkCount, chunks: [{chunk, from, to,
 * toUser, response, messageId?}], messageIds?}`. If a chunk fails, the error says which chunks were
 * delivered (description, and `deliveredChunks` / `deliveredRecipients` in its context).
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
		return explain(ctx, error, itemIndex, note);
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
	return explain(ctx, error, itemIndex, notes.join(' '), {
		chunkCount: failed.count,
		failedChunk: failed.index + 1,
		deliveredChunks: delivered.map((r) => ({ chunk: r.chunk, from: r.from, to: r.to, traceId: r.response.traceId ?? null })),
		deliveredRecipients: delivered.flatMap((r) => r.toUser),
	});
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
