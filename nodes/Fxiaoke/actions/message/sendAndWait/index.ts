import {
	NodeApiError,
	NodeOperationError,
	WAIT_INDEFINITELY,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { readOptions } from '../../options';
import { SEND_PATH, sendToRecipients } from '../chunkedSend';
import { buildComposite } from '../content';
import { compositeFields, RECIPIENT_FIELDS } from '../fields';
import { readRecipients } from '../recipients';
import { ANSWER_TAKEN_PAGE, answerOf, escapeHtml, page, responsePage, type FormField, type ResponseForm, type ResponseType } from './responsePage';

/*
 * Send and Wait for Response: a composite card to each recipient whose link opens a response page
 * (n8n's signed resume URL, made for that recipient: the answer says who gave it); the execution
 * waits until the first answer, or the wait's limit.
 */

/** One message per recipient (each has its own link): a small group, as an approval asks. */
export const MAX_WAIT_RECIPIENTS = 20;
const FIELD_TYPES = ['text', 'textarea', 'number', 'dropdown'];
const UNITS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

const cardFields = compositeFields.filter((f) => !['linkTitle', 'linkUrl'].includes(f.name));

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['message'], operation: ['sendAndWait'] } }, [
	...RECIPIENT_FIELDS,
	...cardFields,
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		options: [
			{ name: 'Approval', value: 'approval', description: 'Approve, or approve or decline' },
			{ name: 'Free Text', value: 'freeText', description: 'A text the recipient writes' },
			{ name: 'Custom Form', value: 'customForm', description: 'Fields the recipient fills in' },
		],
		default: 'approval',
		description: 'What the recipient answers on the page the card opens',
	},
	{
		displayName: 'Approval Options',
		name: 'approvalType',
		type: 'options',
		options: [
			{ name: 'Approve and Decline', value: 'double' },
			{ name: 'Approve Only', value: 'single' },
		],
		default: 'double',
		description: 'Which buttons the page shows',
		displayOptions: { show: { responseType: ['approval'] } },
	},
	{
		displayName: 'Approve Label',
		name: 'approveLabel',
		type: 'string',
		default: 'Approve',
		description: 'The approve button\'s text',
		displayOptions: { show: { responseType: ['approval'] } },
	},
	{
		displayName: 'Decline Label',
		name: 'declineLabel',
		type: 'string',
		default: 'Decline',
		description: 'The decline button\'s text',
		displayOptions: { show: { responseType: ['approval'], approvalType: ['double'] } },
	},
	{
		displayName: 'Form Fields',
		name: 'formFields',
		type: 'fixedCollection',
		placeholder: 'Add Field',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		description: 'The fields of the form; the answer has one property per field, named by its label',
		displayOptions: { show: { responseType: ['customForm'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{ displayName: 'Label', name: 'label', type: 'string', default: '', description: 'The field\'s label, also its name in the answer' },
					{ displayName: 'Options', name: 'options', type: 'string', default: '', description: 'Dropdown: the choices, separated by commas' },
					{ displayName: 'Required', name: 'required', type: 'boolean', default: false, description: 'Whether the field must be filled in' },
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Dropdown', value: 'dropdown' },
							{ name: 'Number', value: 'number' },
							{ name: 'Text', value: 'text' },
							{ name: 'Text Area', value: 'textarea' },
						],
						default: 'text',
						description: 'The kind of field',
					},
				],
			},
		],
	},
	{
		displayName: 'Button Label',
		name: 'buttonLabel',
		type: 'string',
		default: 'Respond',
		description: 'The text of the card\'s link and of the form\'s submit button',
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: false,
		description: 'Whether the workflow goes on without an answer after a while (its output is then the input item, without data)',
	},
	{
		displayName: 'Amount',
		name: 'resumeAmount',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		default: 1,
		description: 'How long to wait for an answer',
		displayOptions: { show: { limitWaitTime: [true] } },
	},
	{
		displayName: 'Unit',
		name: 'resumeUnit',
		type: 'options',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		default: 'hours',
		description: 'The unit of the amount',
		displayOptions: { show: { limitWaitTime: [true] } },
	},
]);

/** The webhooks n8n resumes the execution through (GET: the page; POST: its form). */
export const webhooks: IWebhookDescription[] = ['GET', 'POST'].map((httpMethod) => ({
	name: 'default',
	httpMethod: httpMethod as IWebhookDescription['httpMethod'],
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
}));

type Read = (name: string, fallback: unknown) => unknown;

/** The page's form from the node's parameters (the same in the run and when the link is opened). */
function readForm(read: Read): ResponseForm | string {
	const type = String(read('responseType', 'approval')) as ResponseType;
	if (!['approval', 'freeText', 'customForm'].includes(type)) return `Response Type (responseType) must be approval, freeText or customForm, not ${JSON.stringify(type)}`;
	const rows = (read('formFields', {}) as { field?: IDataObject[] }).field ?? [];
	const fields: FormField[] = [];
	for (const [index, row] of rows.entries()) {
		const label = String(row.label ?? '').trim();
		const fieldType = String(row.type ?? 'text');
		const options = String(row.options ?? '')
			.split(',')
			.map((o) => o.trim())
			.filter((o) => o !== '');
		if (label === '') return `Form Fields (formFields): field ${index + 1} has no label`;
		if (!FIELD_TYPES.includes(fieldType)) return `Form Fields (formFields): field ${label} has an unknown type ${JSON.stringify(fieldType)}`;
		if (fieldType === 'dropdown' && options.length === 0) return `Form Fields (formFields): the dropdown ${label} has no options`;
		if (fields.some((f) => f.label === label)) return `Form Fields (formFields): two fields are labelled ${label}`;
		fields.push({ label, type: fieldType as FormField['type'], options, required: row.required === true });
	}
	if (type === 'customForm' && fields.length === 0) return 'Form Fields (formFields): a custom form needs at least one field';
	const double = String(read('approvalType', 'double')) === 'double';
	return {
		type,
		title: String(read('headTitle', '')).trim() || 'Response',
		message: String(read('firstContent', '')),
		approveLabel: String(read('approveLabel', 'Approve')).trim() || 'Approve',
		declineLabel: double ? String(read('declineLabel', 'Decline')).trim() || 'Decline' : '',
		fields,
		buttonLabel: String(read('buttonLabel', 'Respond')).trim() || 'Respond',
	};
}

/** When the wait ends without an answer, or never. */
function waitTill(ctx: IExecuteFunctions): Date {
	if (ctx.getNodeParameter('limitWaitTime', 0, false) !== true) return WAIT_INDEFINITELY;
	const amount = Number(ctx.getNodeParameter('resumeAmount', 0, 1));
	const unit = UNITS[String(ctx.getNodeParameter('resumeUnit', 0, 'hours'))];
	if (!(amount > 0) || unit === undefined) throw new NodeOperationError(ctx.getNode(), 'Limit Wait Time: Amount (resumeAmount) must be more than 0, in item 0', { itemIndex: 0 });
	return new Date(Date.now() + amount * unit);
}

/** A failed send says which recipients already got their card (never sent again). */
function withCardsSent(error: unknown, sent: string[]): unknown {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = `${error.description ?? ''} ${sent.length > 0 ? `Cards already sent (not sent again): ${sent.join(', ')}.` : 'No card was sent before this one.'}`.trim();
	}
	return error;
}

/**
 * The run: checks everything, then one card per recipient (sent once each; a failure names who
 * already got theirs), then the execution waits. Like n8n's own Send and Wait, it acts for the
 * first input item.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = readOptions(this);
	const form = readForm((name, fallback) => this.getNodeParameter(name, 0, fallback));
	if (typeof form === 'string') throw new NodeOperationError(this.getNode(), `${form}, in item 0`, { itemIndex: 0, description: 'Nothing was sent to Fxiaoke.' });
	const recipients = await readRecipients(this, 0, options);
	if (recipients.toUser.length > MAX_WAIT_RECIPIENTS) {
		throw new NodeOperationError(this.getNode(), `Send and Wait goes to at most ${MAX_WAIT_RECIPIENTS} recipients (one card each, with its own link), not ${recipients.toUser.length}, in item 0`, {
			itemIndex: 0,
			description: 'Nothing was sent to Fxiaoke.',
		});
	}
	const until = waitTill(this);
	if (typeof this.getSignedResumeUrl !== 'function') {
		throw new NodeOperationError(this.getNode(), 'Send and Wait for Response needs an n8n that signs resume links (n8n 1.123 and 2.x do; this one does not)', {
			itemIndex: 0,
			description: 'Nothing was sent to Fxiaoke. Update n8n.',
		});
	}
	// every card is built (and checked) before the first is sent
	const cards = recipients.toUser.map((employee) => ({
		employee,
		content: buildComposite(this, 0, { title: form.buttonLabel, url: this.getSignedResumeUrl({ employee }) }),
	}));
	const sent: string[] = [];
	for (const card of cards) {
		try {
			await sendToRecipients(this, 0, options, { path: SEND_PATH }, [card.employee], card.content);
		} catch (error) {
			throw withCardsSent(error, sent);
		}
		sent.push(card.employee);
	}
	await this.putExecutionToWait(until);
	return [this.getInputData()];
}

/**
 * A recipient opened the link (GET: the page) or answered (POST: the execution resumes with
 * `{data: {…answer, respondedBy, respondedAt}}`). n8n checks the link's signature first, and
 * answers an execution that already resumed with its own "no action required" page.
 */
export async function webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const form = readForm((name, fallback) => this.getNodeParameter(name, fallback));
	const html = (status: number, body: string): IWebhookResponseData => {
		res.status(status).setHeader('Content-Security-Policy', 'sandbox allow-forms');
		res.type('text/html; charset=utf-8').send(body);
		return { noWebhookResponse: true };
	};
	if (typeof form === 'string') return html(500, page('Not available', '<h1>This form cannot be shown</h1><p>Its settings in n8n changed. Ask the sender.</p>'));
	if (req.method !== 'POST') return html(200, responsePage(form));
	const answer = answerOf(form, (this.getBodyData() ?? {}) as IDataObject);
	if (typeof answer === 'string') return html(400, page('Not recorded', `<h1>Not recorded</h1><p>${escapeHtml(answer)}. Go back and try again.</p>`));
	const respondedBy = typeof req.query.employee === 'string' ? req.query.employee : null;
	return {
		webhookResponse: ANSWER_TAKEN_PAGE,
		workflowData: [[{ json: { data: { ...answer, respondedBy, respondedAt: new Date().toISOString() } } }]],
	};
}
