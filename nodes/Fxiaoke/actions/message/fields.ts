import type { INodeProperties } from 'n8n-workflow';

import type { MessageKind } from './content';
import { RECIPIENT_PARAMETERS, type PeopleFields } from './recipients';

/*
 * The message fields every send operation shows. Send Text / Composite / Image-Text and Send as
 * Service Account use the same descriptions, so a message reads the same from either endpoint.
 * Display options are added by each operation (see `updateDisplayOptions`).
 */

export const recipientsField: INodeProperties = {
	displayName: 'Recipients',
	name: 'toUser',
	type: 'string',
	default: '',
	placeholder: '1000, 1001',
	description:
		'Employee IDs of the recipients (open-platform user IDs FSUID_… when the option Convert User IDs is on), or their mobile numbers or e-mail addresses (see Recipients Are): a comma-separated list, one per line, or an expression returning an array. Duplicates are dropped. More than 500 recipients are sent in several requests of at most 500.',
};

/** What a list of people says in the editor: its three fields' names and words. */
interface PeopleWords {
	fields: PeopleFields;
	/** "Recipients Are"'s description and its look-up options' descriptions. */
	typeDescription: string;
	lookupDescription: string;
	entries: INodeProperties;
	pickedDescription: string;
	pickerDescription: string;
}

/** Who the people are: what the entries are, the entries, and employees picked from a list. */
export function peopleFields(words: PeopleWords): INodeProperties[] {
	const { fields } = words;
	return [
		{
			displayName: fields.type.label,
			name: fields.type.name,
			type: 'options',
			options: [
				{ name: 'Employee IDs', value: 'employeeIds', description: 'Such as 1000: sent as given' },
				{ name: 'Mobile Numbers', value: 'mobileNumbers', description: words.lookupDescription },
				{ name: 'E-Mail Addresses', value: 'emailAddresses', description: words.lookupDescription },
			],
			default: 'employeeIds',
			description: words.typeDescription,
		},
		words.entries,
		{
			displayName: fields.picked.label,
			name: fields.picked.name,
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Employee',
			default: {},
			description: words.pickedDescription,
			options: [
				{
					name: 'employee',
					displayName: 'Employee',
					values: [
						{
							displayName: 'Employee',
							name: 'id',
							type: 'resourceLocator',
							default: { mode: 'list', value: '' },
							description: words.pickerDescription,
							modes: [
								{
									displayName: 'From List',
									name: 'list',
									type: 'list',
									typeOptions: { searchListMethod: 'searchEmployees', searchable: true },
								},
								{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 1000' },
							],
						},
					],
				},
			],
		},
	];
}

/** Who the recipients are: what the entries of Recipients are, the entries, and employees picked from a list. */
export const RECIPIENT_FIELDS: INodeProperties[] = peopleFields({
	fields: RECIPIENT_PARAMETERS,
	typeDescription: 'What the entries of Recipients are: employee IDs, or mobile numbers or e-mail addresses to look up in Personnel',
	lookupDescription: 'Each entry is looked up in Personnel first; the send goes to the employees found',
	entries: recipientsField,
	pickedDescription: 'Employees to send to as well, found in Fxiaoke\'s directory by name, e-mail, mobile or employee ID',
	pickerDescription: 'An employee to send to: searched in Fxiaoke\'s directory, or given by employee ID (such as 1000)',
});

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

// n8n's lint (node-param-fixed-collection-type-unsorted-items) requires the article values in
// alphabetical order, so they cannot follow the order in which a person fills them in.
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

/** Service ID: the service account a message goes out through, and is revoked from later. */
export function serviceIdField(description: string): INodeProperties {
	return {
		displayName: 'Service ID',
		name: 'serviceId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'FSAID_xxxxxxxx',
		description,
	};
}
