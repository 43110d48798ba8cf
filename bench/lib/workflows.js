'use strict';
/**
 * Workflows of the benchmark. Every one starts like test/support/workflows.js's revoke workflow
 * (Manual Trigger → "Messages" Set in raw JSON mode → "Split Out"), with one difference: the
 * message ids are made from `$execution.id`, so the same imported workflow revokes fresh messages
 * on every execution (the sandbox accepts any unknown id once, `unknownMessages: 'accept'`).
 *
 * Variants (the node under measurement is always called "Revoke"):
 *   fxiaoke     …→ Fxiaoke (CUSTOM.fxiaoke) Message → Revoke
 *   http        Start → "Token" HTTP Request (token call once) → Messages → Split Out → "Revoke" HTTP Request
 *   noop        …→ CUSTOM.fxiaokeBenchNoop (reads the same parameters, sends nothing)
 *   sequential  …→ CUSTOM.fxiaokeBenchSequential (token call + this.helpers.httpRequest per item)
 *   concurrent  …→ CUSTOM.fxiaokeBenchConcurrent (the same, 5 requests in flight)
 *   items       Start → Messages → Split Out (memory baseline)
 */
const crypto = require('node:crypto');

const { buildRevokeWorkflow, n8nId, FXIAOKE_NODE_TYPE, CREDENTIAL_TYPE } = require('../../test/support/workflows');

const NOOP_NODE_TYPE = 'CUSTOM.fxiaokeBenchNoop';
const SEQUENTIAL_NODE_TYPE = 'CUSTOM.fxiaokeBenchSequential';
const CONCURRENT_NODE_TYPE = 'CUSTOM.fxiaokeBenchConcurrent';
const HTTP_NODE_TYPE = 'n8n-nodes-base.httpRequest';
/** The HTTP Request node's default version in n8n 2.41 (what a user gets when adding it). */
const HTTP_NODE_VERSION = 4.5;

/**
 * n8n 2.41's expression language has no UUID function ($crypto / crypto.randomUUID do not exist in
 * the expression sandbox; read in n8n-workflow 2.41 expression.js and extensions/). Math is
 * allowed, so a UUID v4 is built from Math.random, the way a user would have to.
 */
const UUID_V4_EXPRESSION =
	"={{ 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, c => (c === 'x' ? Math.floor(Math.random() * 16) : 8 + Math.floor(Math.random() * 4)).toString(16)) }}";

/**
 * Set (raw JSON) parameters producing `{ items: [{ serviceId, messageId }, …] }` with `count`
 * message ids unique per execution.
 * @param {number} count @param {string} serviceId @param {string} tag
 */
function itemsJsonExpression(count, serviceId, tag) {
	return (
		`={{ JSON.stringify({ items: Array.from({ length: ${Number(count)} }, (_, i) => ` +
		`({ serviceId: ${JSON.stringify(serviceId)}, messageId: ${JSON.stringify(`${tag}-`)} + $execution.id + '-' + i })) }) }}`
	);
}

/** @param {string} name @param {string} type @param {number} typeVersion @param {number} x @param {Record<string, unknown>} parameters */
function node(name, type, typeVersion, x, parameters) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position: [x, 0], parameters };
}

/**
 * Manual Trigger → [extra nodes before the items] → Messages → Split Out → [tail].
 * @param {{ name: string, count: number, serviceId: string, tag: string, before?: any[], tail?: any }} opts
 */
function chain(opts) {
	const nodes = [node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {})];
	for (const n of opts.before || []) nodes.push(n);
	nodes.push(
		node('Messages', 'n8n-nodes-base.set', 3.4, 440, {
			mode: 'raw',
			jsonOutput: itemsJsonExpression(opts.count, opts.serviceId, opts.tag),
			options: {},
		}),
	);
	nodes.push(node('Split Out', 'n8n-nodes-base.splitOut', 1, 660, { fieldToSplitOut: 'items', include: 'noOtherFields', options: {} }));
	if (opts.tail) nodes.push({ ...opts.tail, position: [880, 0] });
	/** @type {Record<string, any>} */
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		id: n8nId(),
		name: opts.name,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
		nodes,
		connections,
	};
}

/**
 * Our node, built by test/support/workflows.js and re-fed with per-execution message ids.
 * @param {{ name: string, count: number, serviceId: string, tag: string, credential: { id: string, name: string },
 *   options?: Record<string, unknown>, continueOnFail?: boolean, autoMap?: boolean }} opts  autoMap: Input Data "Map Automatically"
 */
function fxiaokeWorkflow(opts) {
	const base = buildRevokeWorkflow({
		items: [],
		credential: opts.credential,
		name: opts.name,
		continueOnFail: opts.continueOnFail,
		revokeParameters: { options: opts.options || {}, ...(opts.autoMap ? { dataMode: 'autoMapInputData' } : {}) },
	});
	const revoke = base.nodes.find((n) => n.name === 'Revoke');
	if (!revoke || revoke.type !== FXIAOKE_NODE_TYPE) throw new Error('unexpected workflow shape from buildRevokeWorkflow');
	return chain({ ...opts, tail: revoke });
}

/**
 * One of the bench package's nodes with the same parameters as our Revoke.
 * `constant`: fixed ids instead of expressions (a node that outputs as many items, evaluating nothing).
 * @param {{ name: string, count: number, serviceId: string, tag: string, type: string, credential?: { id: string, name: string }, constant?: boolean }} opts
 */
function benchNodeWorkflow(opts) {
	const tail = node('Revoke', opts.type, 1, 880, {
		resource: 'message',
		operation: 'revoke',
		serviceId: opts.constant ? opts.serviceId : '={{ $json.serviceId }}',
		messageId: opts.constant ? 'constant-id' : '={{ $json.messageId }}',
		options: {},
	});
	if (opts.credential) Object.assign(tail, { credentials: { [CREDENTIAL_TYPE]: { id: opts.credential.id, name: opts.credential.name } } });
	return chain({ ...opts, tail });
}

/**
 * The same job with two HTTP Request nodes: "Token" POSTs the token call once, "Revoke" POSTs one
 * revoke per item with header expressions reading the Token node's output.
 * @param {{ name: string, count: number, serviceId: string, tag: string, baseUrl: string,
 *   app: { appId: string, appSecret: string, permanentCode: string, userId: string },
 *   batching?: { batchSize: number, batchInterval: number }, continueOnFail?: boolean }} opts
 */
function httpWorkflow(opts) {
	const token = node('Token', HTTP_NODE_TYPE, HTTP_NODE_VERSION, 220, {
		method: 'POST',
		url: `${opts.baseUrl}/oauth2.0/token`,
		sendQuery: true,
		specifyQuery: 'keypair',
		queryParameters: { parameters: [{ name: 'thirdTraceId', value: UUID_V4_EXPRESSION }] },
		sendBody: true,
		contentType: 'json',
		specifyBody: 'keypair',
		bodyParameters: {
			parameters: [
				{ name: 'appId', value: opts.app.appId },
				{ name: 'appSecret', value: opts.app.appSecret },
				{ name: 'permanentCode', value: opts.app.permanentCode },
				{ name: 'grantType', value: 'app_secret' },
			],
		},
		options: {},
	});
	/** @type {Record<string, unknown>} */
	const revokeOptions = {};
	if (opts.batching) revokeOptions.batching = { batch: { batchSize: opts.batching.batchSize, batchInterval: opts.batching.batchInterval } };
	const revoke = node('Revoke', HTTP_NODE_TYPE, HTTP_NODE_VERSION, 880, {
		method: 'POST',
		url: `${opts.baseUrl}/cgi/app/message/revoke`,
		sendQuery: true,
		specifyQuery: 'keypair',
		queryParameters: { parameters: [{ name: 'thirdTraceId', value: UUID_V4_EXPRESSION }] },
		sendHeaders: true,
		specifyHeaders: 'keypair',
		headerParameters: {
			parameters: [
				{ name: 'authorization', value: "=Bearer {{ $('Token').first().json.accessToken }}" },
				{ name: 'x-fs-ea', value: "={{ $('Token').first().json.ea }}" },
				{ name: 'x-fs-userid', value: String(opts.app.userId) },
			],
		},
		sendBody: true,
		contentType: 'json',
		specifyBody: 'keypair',
		bodyParameters: {
			parameters: [
				{ name: 'serviceId', value: '={{ $json.serviceId }}' },
				{ name: 'messageId', value: '={{ $json.messageId }}' },
			],
		},
		options: revokeOptions,
	});
	if (opts.continueOnFail) Object.assign(revoke, { onError: 'continueRegularOutput' });
	return chain({ ...opts, before: [token], tail: revoke });
}

/** Start → Messages → Split Out: item generation without any Fxiaoke node (memory baseline). @param {{ name: string, count: number, serviceId: string, tag: string }} opts */
function itemsOnlyWorkflow(opts) {
	return chain(opts);
}

module.exports = {
	NOOP_NODE_TYPE,
	SEQUENTIAL_NODE_TYPE,
	CONCURRENT_NODE_TYPE,
	HTTP_NODE_VERSION,
	UUID_V4_EXPRESSION,
	fxiaokeWorkflow,
	benchNodeWorkflow,
	httpWorkflow,
	itemsOnlyWorkflow,
};
