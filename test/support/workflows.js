'use strict';
/**
 * Builders for the workflows and credentials that the e2e tests (and scripts/start.js) import
 * into a real n8n.
 *
 * Workflow shape:  Manual Trigger → "Messages" (Set, raw JSON `{ items: [...] }`) → "Split Out"
 *                  (one item per `{ serviceId, messageId }`) → "Revoke" (Fxiaoke, message/revoke).
 * No Code node: it would need a task runner.
 */
const crypto = require('node:crypto');

/** Node type of this package's node when n8n loads it from `~/.n8n/custom` (NOTES §1.5). */
const FXIAOKE_NODE_TYPE = 'CUSTOM.fxiaoke';
const CREDENTIAL_TYPE = 'fxiaokeApi';

/** @param {string} prefix */
function uid(prefix) {
	return `${prefix}${crypto.randomBytes(6).toString('hex')}`;
}

/** n8n ids are 16 alphanumeric characters (`isWorkflowIdValid`). */
function n8nId() {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let s = '';
	for (const b of crypto.randomBytes(16)) s += alphabet[b % alphabet.length];
	return s;
}

/**
 * A credential ready for `n8n import:credentials`.
 * @param {{ baseUrl: string, app: { appId: string, appSecret: string, permanentCode: string, userId: string },
 *   id?: string, name?: string, overrides?: Record<string, unknown> }} opts
 */
function buildCredential({ baseUrl, app, id, name, overrides }) {
	return {
		id: id || n8nId(),
		name: name || 'Fxiaoke (sandbox)',
		type: CREDENTIAL_TYPE,
		data: {
			cloud: 'custom',
			customUrl: baseUrl.replace(/\/+$/, ''),
			appId: app.appId,
			appSecret: app.appSecret,
			permanentCode: app.permanentCode,
			userId: String(app.userId),
			...(overrides || {}),
		},
	};
}

/**
 * @param {string} serviceId
 * @param {string[]} messageIds
 * @returns {Array<{ serviceId: string, messageId: string }>}
 */
function revokeItems(serviceId, messageIds) {
	return messageIds.map((messageId) => ({ serviceId, messageId }));
}

/**
 * A workflow whose nodes run one after the other, placed left to right and connected in order.
 * Each node needs only `name`, `type` and `parameters` (typeVersion 1 unless given).
 * @param {{ id?: string, name: string, nodes: Array<Record<string, any>> }} opts
 */
function chainWorkflow({ id, name, nodes }) {
	const placed = nodes.map((node, i) => ({ id: crypto.randomUUID(), typeVersion: 1, position: [i * 220, 0], ...node }));
	/** @type {Record<string, any>} */
	const connections = {};
	for (let i = 0; i < placed.length - 1; i++) connections[placed[i].name] = { main: [[{ node: placed[i + 1].name, type: 'main', index: 0 }]] };
	return { id: id || n8nId(), name, active: false, settings: { executionOrder: 'v1' }, pinData: {}, tags: [], nodes: placed, connections };
}

/** The nodes that start most test workflows: Manual Trigger → Set (raw JSON `value`). @param {unknown} value @param {string} [name] */
function startWith(value, name = 'Messages') {
	return [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
		{ name, type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify(value), options: {} } },
	];
}

/** Split Out: one item per element of the `items` list. */
const SPLIT_OUT = { name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'items', include: 'noOtherFields', options: {} } };

/**
 * Manual Trigger → Set (raw JSON) → Split Out → Fxiaoke Revoke.
 * @param {{ items: Array<{ serviceId: string, messageId: string }>,
 *   credential: { id: string, name: string },
 *   id?: string, name?: string, continueOnFail?: boolean, onError?: string,
 *   revokeParameters?: Record<string, unknown>, nodeType?: string, typeVersion?: number }} opts
 */
function buildRevokeWorkflow(opts) {
	/** @type {Record<string, unknown>} */
	const revokeNode = {
		name: 'Revoke',
		type: opts.nodeType || FXIAOKE_NODE_TYPE,
		typeVersion: opts.typeVersion || 1,
		parameters: {
			resource: 'message',
			operation: 'revoke',
			serviceId: '={{ $json.serviceId }}',
			messageId: '={{ $json.messageId }}',
			...(opts.revokeParameters || {}),
		},
		credentials: { [CREDENTIAL_TYPE]: { id: opts.credential.id, name: opts.credential.name } },
	};
	if (opts.continueOnFail) revokeNode.onError = 'continueRegularOutput';
	if (opts.onError) revokeNode.onError = opts.onError;
	return chainWorkflow({
		id: opts.id,
		name: opts.name || `Revoke ${opts.items.length} Fxiaoke messages`,
		nodes: [...startWith({ items: opts.items }), SPLIT_OUT, revokeNode],
	});
}

/**
 * Point an existing workflow JSON (e.g. examples/revoke-messages.json) at a credential: every node
 * that uses `fxiaokeApi` gets `{ id, name }`. Node types `n8n-nodes-fxiaoke.*` (community install)
 * are rewritten to `CUSTOM.*` when `customType` is true.
 * @param {any} wf
 * @param {{ id: string, name: string }} credential
 * @param {{ id?: string, customType?: boolean }} [opts]
 */
function bindWorkflowCredential(wf, credential, opts = {}) {
	const copy = JSON.parse(JSON.stringify(wf));
	copy.id = opts.id || copy.id || n8nId();
	copy.active = false;
	for (const node of copy.nodes || []) {
		if (opts.customType !== false && node.type.startsWith('n8n-nodes-fxiaoke.')) node.type = FXIAOKE_NODE_TYPE.replace(/fxiaoke$/, node.type.slice('n8n-nodes-fxiaoke.'.length));
		if (node.type === FXIAOKE_NODE_TYPE || (node.credentials && node.credentials[CREDENTIAL_TYPE])) {
			node.credentials = { ...(node.credentials || {}), [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
		}
	}
	return copy;
}

module.exports = {
	chainWorkflow,
	startWith,
	SPLIT_OUT,
	FXIAOKE_NODE_TYPE,
	CREDENTIAL_TYPE,
	n8nId,
	uid,
	buildCredential,
	buildRevokeWorkflow,
	bindWorkflowCredential,
	revokeItems,
};
