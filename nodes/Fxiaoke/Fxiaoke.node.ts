import {
	NodeConnectionTypes,
	SEND_AND_WAIT_OPERATION,
	type IExecuteFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type INodeExecutionData,
	type INodeType,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as approval from './actions/approval';
import * as crmObject from './actions/crmObject';
import * as customFunction from './actions/customFunction';
import * as department from './actions/department';
import * as employee from './actions/employee';
import * as media from './actions/media';
import * as message from './actions/message';
import { optionsCollection } from './actions/options';
import { router } from './actions/router';
import { listSearch, loadOptions, resourceMapping } from './methods';
import { mapLiteral, optionNames, savedValue, subtitleOf } from './subtitle';

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Approval', value: 'approval' },
			{ name: 'CRM Object', value: 'crmObject' },
			{ name: 'Custom Function', value: 'customFunction' },
			{ name: 'Department', value: 'department' },
			{ name: 'Employee', value: 'employee' },
			{ name: 'Media', value: 'media' },
			{ name: 'Message', value: 'message' },
		],
		default: 'message',
	},
	...message.description,
	...media.description,
	...crmObject.description,
	...approval.description,
	...customFunction.description,
	...employee.description,
	...department.description,
	optionsCollection,
];

/** "Create: CRM Object", "Revoke: Message": the operation's and the resource's display names. */
function subtitle(): string {
	const resources = optionNames(properties.find((p) => p.name === 'resource'));
	const operations: Record<string, string> = {};
	for (const list of properties.filter((p) => p.name === 'operation')) {
		for (const resource of (list.displayOptions?.show?.resource ?? []) as string[]) {
			for (const [value, name] of Object.entries(optionNames(list))) operations[`${resource}.${value}`] = name;
		}
	}
	const resource = savedValue('resource');
	return subtitleOf(`${mapLiteral(operations)}[${resource} + "." + ${savedValue('operation')}]`, `${mapLiteral(resources)}[${resource}]`);
}

export class Fxiaoke implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fxiaoke',
		name: 'fxiaoke',
		icon: { light: 'file:fxiaoke.svg', dark: 'file:fxiaoke.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: subtitle(),
		// (The nodes panel shows Fxiaoke Trigger's description for the entry of both: see there.)
		description: 'Send messages and work with CRM records, approvals, employees and departments in Fxiaoke (ShareCRM)',
		defaults: { name: 'Fxiaoke' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fxiaokeApi', required: true }],
		// Send and Wait for Response resumes the execution through these
		webhooks: message.sendAndWait.webhooks,
		properties,
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Send and Wait acts once for the run (like n8n's own), not item by item
		// (read raw: the router evaluates each parameter once per run, this must not add an evaluation)
		if (this.getNode().parameters.operation === SEND_AND_WAIT_OPERATION) return await message.sendAndWait.execute.call(this);
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await message.sendAndWait.webhook.call(this);
	}
}
