'use strict';
/**
 * Parameters shared by the two bench nodes. They mirror what Fxiaoke → Message → Revoke reads:
 * resource and operation (item 0), the Options collection (item 0, once per run), and serviceId /
 * messageId per item. Plain JavaScript on purpose: nothing of n8n-workflow is required, so the
 * package installs into ~/.n8n/custom without dependencies.
 */

const showRevoke = { show: { resource: ['message'], operation: ['revoke'] } };

/** @type {any[]} */
const properties = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Message', value: 'message' }],
		default: 'message',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [{ name: 'Revoke', value: 'revoke', action: 'Revoke a message' }],
		default: 'revoke',
	},
	{ displayName: 'Service ID', name: 'serviceId', type: 'string', required: true, default: '', displayOptions: showRevoke },
	{ displayName: 'Message ID', name: 'messageId', type: 'string', required: true, default: '', displayOptions: showRevoke },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 5 },
			{ displayName: 'Rate Limit', name: 'rateLimit', type: 'number', default: 100 },
			{ displayName: 'Rate Limit Window (Seconds)', name: 'rateLimitWindow', type: 'number', default: 20 },
			{ displayName: 'Timeout', name: 'timeout', type: 'number', default: 30000 },
		],
	},
];

/**
 * Reads what the Fxiaoke node reads before its first request.
 * @param {any} ctx IExecuteFunctions
 */
function readRunParameters(ctx) {
	return {
		resource: ctx.getNodeParameter('resource', 0),
		operation: ctx.getNodeParameter('operation', 0),
		options: ctx.getNodeParameter('options', 0, {}),
	};
}

/**
 * The per-item parameters, trimmed like the node's requireId does.
 * @param {any} ctx @param {number} itemIndex
 */
function readItem(ctx, itemIndex) {
	return {
		serviceId: String(ctx.getNodeParameter('serviceId', itemIndex)).trim(),
		messageId: String(ctx.getNodeParameter('messageId', itemIndex)).trim(),
	};
}

/**
 * Token call (once per run), then one revoke per item through this.helpers.httpRequest with
 * `concurrency` requests in flight; output in input order, paired. The app comes from the Fxiaoke
 * API credential. Nothing else: no retries, no limiter, no token cache.
 * @param {any} ctx IExecuteFunctions @param {number} concurrency
 */
async function revokeAll(ctx, concurrency) {
	const { randomUUID } = require('node:crypto');
	const items = ctx.getInputData();
	readRunParameters(ctx);
	const credentials = await ctx.getCredentials('fxiaokeApi');
	const baseUrl = String(credentials.cloud === 'custom' ? credentials.customUrl : credentials.cloud).replace(/\/+$/, '');
	const token = await ctx.helpers.httpRequest({
		method: 'POST',
		url: `${baseUrl}/oauth2.0/token`,
		qs: { thirdTraceId: randomUUID() },
		body: { appId: credentials.appId, appSecret: credentials.appSecret, permanentCode: credentials.permanentCode, grantType: 'app_secret' },
		json: true,
	});
	if (!token || token.errorCode !== 0) throw new Error(`token call failed: errorCode ${token && token.errorCode}`);
	const headers = { authorization: `Bearer ${token.accessToken}`, 'x-fs-ea': token.ea, 'x-fs-userid': String(credentials.userId) };
	const output = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const itemIndex = next++;
			const json = await ctx.helpers.httpRequest({
				method: 'POST',
				url: `${baseUrl}/cgi/app/message/revoke`,
				qs: { thirdTraceId: randomUUID() },
				headers,
				body: readItem(ctx, itemIndex),
				json: true,
			});
			output[itemIndex] = { json, pairedItem: { item: itemIndex } };
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return output;
}

module.exports = { properties, readRunParameters, readItem, revokeAll };
