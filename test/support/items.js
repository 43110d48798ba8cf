'use strict';
const crypto = require('node:crypto');
/**
 * The Fxiaoke fields of an output item: a success item carries Fxiaoke's answer in its JSON, a
 * failed item (Continue On Fail) carries `error` and, under `details`, the description and the
 * Fxiaoke fields (the shape n8n routes to the error output).
 * @param {{ json: any }} item
 */
function fieldsOf(item) {
	if (item.json.error === undefined) return item.json;
	const keys = Object.keys(item.json).sort().join(',');
	if (keys !== 'details,error') throw new Error(`a failed item must hold only error and details, not ${keys}`);
	return item.json.details;
}

/** Index of the input item an output item is paired with (n8n prints `pairedItem` in run data). @param {any} item */
function pairedIndex(item) {
	const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof p === 'number' ? p : p?.item;
}

/** `n` message ids no other run uses: `<prefix>-<random>-000` … @param {string} prefix @param {number} n */
function messageIds(prefix, n) {
	const tag = crypto.randomBytes(3).toString('hex');
	return Array.from({ length: n }, (_, i) => `${prefix}-${tag}-${String(i).padStart(3, '0')}`);
}

/** A UUID v4 as crypto.randomUUID() writes it (lower case): the thirdTraceId of every request. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A header of a sandbox request record. @param {any} r @param {string} name */
function header(r, name) {
	const h = r.headers || {};
	const v = h[name] ?? h[name.toLowerCase()];
	return Array.isArray(v) ? v[0] : v;
}

module.exports = { fieldsOf, pairedIndex, messageIds, UUID_V4, header };
