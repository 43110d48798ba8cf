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
 * Manual Trigger → Set (raw JSON) → Split Out → Fxiaoke Revoke.
 * @param {{ items: Array<{ serviceId: string, messageId: string }>,
 *   credential: { id: string, name: string },
 *   id?: string, name?: string, continueOnFail?: boolean, onError?: string,
 *   revokeParameters?: Record<string, unknown>, nodeType?: string, typeVersion?: number }} opts
 */
function buildRevokeWorkflow(opts) {
	const id = opts.id || n8nId();
	/** @type {Record<string, unknown>} */
	const revokeNode = {
		id: crypto.randomUUID(),
		name: 'Revoke',
		type: opts.nodeType || FXIAOKE_NODE_TYPE,
		typeVersion: opts.typeVersion || 1,
		position: [660, 0],
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
	return {
		id,
		name: opts.name || `Revoke ${opts.items.length} Fxiaoke messages`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: crypto.randomUUID(),
				name: 'Messages',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					mode: 'raw',
					jsonOutput: JSON.stringify({ items: opts.items }),
					options: {},
				},
			},
			{
				id: crypto.randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [440, 0],
				parameters: { fieldToSplitOut: 'items', include: 'noOtherFields', options: {} },
			},
			revokeNode,
		],
		connections: {
			Start: { main: [[{ node: 'Messages', type: 'main', index: 0 }]] },
			Messages: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Revoke', type: 'main', index: 0 }]] },
		},
	};
}

/**
 * Point an existing workflow JSON (e.g. examples/revoke-messages.json) at a credential: every node
 * that uses `fxiaokeApi` gets `{ id, name }`. Node types `n8n-nodes-fxiaoke.fxiaoke` (community
 * install) are rewritten to `CUSTOM.fxiaoke` when `customType` is true.
 * @param {any} wf
 * @param {{ id: string, name: string }} credential
 * @param {{ id?: string, customType?: boolean }} [opts]
 */
function bindWorkflowCredential(wf, credential, opts = {}) {
	const copy = JSON.parse(JSON.stringify(wf));
	copy.id = opts.id || copy.id || n8nId();
	copy.active = false;
	for (const node of copy.nodes || []) {
		if (opts.customType !== false && node.type === 'n8n-nodes-fxiaoke.fxiaoke') node.type = FXIAOKE_NODE_TYPE;
		if (node.type === FXIAOKE_NODE_TYPE || (node.credentials && node.credentials[CREDENTIAL_TYPE])) {
			node.credentials = { ...(node.credentials || {}), [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
		}
	}
	return copy;
}

module.exports = {
	FXIAOKE_NODE_TYPE,
	CREDENTIAL_TYPE,
	n8nId,
	uid,
	buildCredential,
	buildRevokeWorkflow,
	bindWorkflowCredential,
	revokeItems,
};
