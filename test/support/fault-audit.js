'use strict';
/**
 * Checks on a sandbox request log after a run under injected faults: what was retried, what was
 * applied, what the user saw. Shared by test/faults.integration.test.js and the real-n8n soak
 * (test/e2e/soak.e2e.test.js), so both hold the node to the same rules.
 */
const { fieldsOf } = require('./items');

/** Faults after which Fxiaoke certainly did nothing (the sandbox answers before processing). */
const BEFORE_FAULTS = [
	'tokenExpired',
	'error20016',
	'rateLimit14001',
	'rateLimit30004',
	'busy',
	'serviceTimeout50009',
	'quotaDaily30002',
	'quotaNone30003',
	'http500',
	'http502',
	'http503',
	'http429',
	'resetBeforeReply',
	'nonJson',
	'redirectHtml',
];
/** Faults where the request was carried out but the reply was lost or spoiled. */
const AFTER_FAULTS = ['resetAfterApply', 'slowReply', 'truncatedJson'];

/** Faults every call may retry: Fxiaoke rejected the request without acting on it (sandbox `before` stage). */
const RETRIED_FOR_ALL = ['tokenExpired', 'error20016', 'rateLimit14001', 'rateLimit30004', 'http429'];

/** The faults of the soak: the brief's mix (token expiry, codes, HTTP 5xx, resets, slow, broken bodies). */
const SOAK_FAULTS = [
	'tokenExpired',
	'error20016',
	'rateLimit14001',
	'rateLimit30004',
	'busy',
	'serviceTimeout50009',
	'http500',
	'http502',
	'http503',
	'resetBeforeReply',
	'resetAfterApply',
	'slowReply',
	'truncatedJson',
	'nonJson',
];

/**
 * Whether the client can have read a complete, successful answer to this request.
 * @param {any} r a sandbox request record
 */
function answeredSuccess(r) {
	if (!r.response || r.response.status !== 200) return false;
	if (r.fault === 'truncatedJson' || r.fault === 'resetAfterApply') return false;
	const body = r.response.body;
	return body !== null && typeof body === 'object' && body.errorCode === 0;
}

/** The answer's errorCode as the client read it, or undefined when it read no envelope. @param {any} r */
function answeredCode(r) {
	if (!r.response || r.fault === 'truncatedJson' || r.fault === 'resetAfterApply') return undefined;
	const body = r.response.body;
	return body !== null && typeof body === 'object' && typeof body.errorCode === 'number' ? body.errorCode : undefined;
}

/**
 * Groups request records by a key taken from their body (e.g. messageId, or the text content).
 * @param {any[]} records
 * @param {(r: any) => string | undefined} keyOf
 * @returns {Map<string, any[]>}
 */
function groupBy(records, keyOf) {
	/** @type {Map<string, any[]>} */
	const map = new Map();
	for (const r of records) {
		const key = keyOf(r);
		if (key === undefined) continue;
		if (!map.has(key)) map.set(key, []);
		map.get(key).push(r);
	}
	return map;
}

/**
 * The sandbox keeps no body on records of requests it faulted before processing (`body` and
 * `rawBody` stay null), so such requests could not be tied to an item. This keeps the raw bytes of
 * every request as `record.receivedBody` (UTF-8 text), by listening on the request stream next to
 * the sandbox's own reader. Only this sandbox instance is touched; its behaviour is unchanged.
 * @param {any} sandbox
 */
function keepEveryBody(sandbox) {
	if (sandbox.__keepsEveryBody) return;
	sandbox.__keepsEveryBody = true;
	const startRecord = sandbox.startRecord.bind(sandbox);
	sandbox.startRecord = (req, url, endpoint) => {
		const record = startRecord(req, url, endpoint);
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			record.receivedBody = Buffer.concat(chunks).toString('utf8');
		});
		return record;
	};
}

/** Body of a JSON request as the sandbox received it. @param {any} r */
function bodyOf(r) {
	if (r.body && typeof r.body === 'object' && !Array.isArray(r.body)) return r.body;
	for (const text of [r.rawBody, r.receivedBody]) {
		if (typeof text !== 'string' || text === '') continue;
		try {
			return JSON.parse(text);
		} catch {
			/* not JSON (an upload): try the next */
		}
	}
	return undefined;
}

/**
 * For one item's requests (in arrival order), the list of rule violations, empty when fine:
 * - nothing is sent for an item after a request of it was answered with success;
 * - a request follows only one whose failure the node's retry policy retries: for every call
 *   20016, 14001, 30004 and HTTP 429; for idempotent calls (Revoke, upload) also -1, 50009,
 *   HTTP 5xx, resets and timeouts; never quota codes, HTML/non-JSON/cut-off bodies, redirects or
 *   other Fxiaoke errors;
 * - a send (`idempotent: false`) is carried out (`applied`) at most once.
 * @param {any[]} requests
 * @param {{ idempotent: boolean }} opts
 * @returns {string[]}
 */
function itemViolations(requests, { idempotent }) {
	const problems = [];
	const successAt = requests.findIndex(answeredSuccess);
	if (successAt >= 0 && successAt < requests.length - 1) {
		problems.push(`request #${requests[successAt + 1].seq} was sent after #${requests[successAt].seq} succeeded`);
	}
	// A request may only follow one whose failure the node's policy retries (transport/retry.ts).
	const retryable = idempotent
		? (/** @type {any} */ r) =>
				[...RETRIED_FOR_ALL, 'busy', 'serviceTimeout50009', 'http500', 'http502', 'http503', 'resetBeforeReply', 'resetAfterApply', 'slowReply'].includes(r.fault) ||
				(r.fault === null && [20016, 14001, 30004, -1, 50009].includes(answeredCode(r)))
		: (/** @type {any} */ r) => RETRIED_FOR_ALL.includes(r.fault) || (r.fault === null && [20016, 14001, 30004].includes(answeredCode(r)));
	for (let i = 0; i < requests.length - 1; i++) {
		if (i === successAt) continue; // reported above
		if (!retryable(requests[i])) {
			problems.push(
				`request #${requests[i + 1].seq} repeated #${requests[i].seq} (fault ${requests[i].fault}, answer ${answeredCode(requests[i])}, applied ${requests[i].applied})`,
			);
		}
	}
	if (!idempotent) {
		const applied = requests.filter((r) => r.applied).length;
		if (applied > 1) problems.push(`carried out ${applied} times`);
	}
	return problems;
}

/** @param {any} item an output item */
function pairedIndex(item) {
	const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof p === 'number' ? p : p?.item;
}

/**
 * The shape rule for one output item under Continue On Fail: success (errorCode 0, a traceId), or
 * an error item with an `error` text and, under `details` (nothing else beside them), either
 * Fxiaoke's errorCode + traceId or a transport reason.
 * @param {any} json
 * @returns {'success' | 'apiError' | 'transportError' | 'invalid'}
 */
function classifyOutput(json) {
	if (json && json.errorCode === 0 && json.error === undefined && typeof json.traceId === 'string') return 'success';
	const details = json?.details;
	if (json && typeof json.error === 'string' && json.error !== '' && details && Object.keys(json).length === 2) {
		if (typeof details.errorCode === 'number' && details.errorCode !== 0 && typeof details.traceId === 'string' && details.traceId !== '') return 'apiError';
		if (typeof details.transportReason === 'string' && details.transportReason !== '') return 'transportError';
	}
	return 'invalid';
}

/** Counts of a list of strings. @param {string[]} list */
function tally(list) {
	/** @type {Record<string, number>} */
	const counts = {};
	for (const x of list) counts[x] = (counts[x] || 0) + 1;
	return counts;
}

/**
 * The soak's rules for Revoke: one paired output per input, each a success or an error item with
 * errorCode + traceId or a transport reason; nothing sent for an item after its success; every
 * success was revoked in the sandbox; every revoked message is either a success or says
 * possiblyRevoked; nothing revoked twice; every request tied to an item.
 * @param {string[]} ids messageIds in input order
 * @param {any[]} output the node's output items
 * @param {any} sb the sandbox (after keepEveryBody)
 */
function checkRevokeSoak(ids, output, sb) {
	const revokes = sb.requests.filter((/** @type {any} */ r) => r.endpoint === 'revoke');
	return checkSoak(ids, output, revokes, 'revoke', (r) => bodyOf(r)?.messageId, (item, i, kind, requests, problems) => {
		const message = sb.messages.get(ids[i]);
		if (kind === 'invalid') problems.push(`item ${i}: ${JSON.stringify(item.json)}`);
		if (!message) {
			problems.push(`item ${i}: unknown message ${ids[i]}`);
			return;
		}
		if (kind === 'success' && !message.revoked) problems.push(`item ${i}: success but not revoked`);
		if (kind !== 'success' && message.revoked && fieldsOf(item).possiblyRevoked !== true) {
			problems.push(`item ${i}: revoked, but the error item does not say possiblyRevoked: ${JSON.stringify(item.json)}`);
		}
		if (message.revokedCount > 1) problems.push(`item ${i}: revoked ${message.revokedCount} times`);
		for (const p of itemViolations(requests, { idempotent: true })) problems.push(`item ${i}: ${p}`);
	});
}

/**
 * The rules for sends under faults: one paired output per input; no content delivered twice; a
 * success was delivered exactly once; an item whose every request failed before Fxiaoke acted was
 * not delivered; a send is repeated only after a failure retryable for sends; every request tied
 * to an item. Each input must have its own text content.
 * @param {string[]} contents text contents in input order
 * @param {any[]} output
 * @param {any} sb the sandbox (after keepEveryBody)
 * @param {(content: string) => number} deliveries times the sandbox delivered that content
 * @param {string} [endpoint] 'send' or 'appSend'
 */
function checkSendSoak(contents, output, sb, deliveries, endpoint = 'send') {
	const sends = sb.requests.filter((/** @type {any} */ r) => r.endpoint === endpoint);
	return checkSoak(contents, output, sends, 'send', (r) => bodyOf(r)?.text?.content, (item, i, kind, requests, problems) => {
		const delivered = deliveries(contents[i]);
		if (kind === 'invalid') problems.push(`item ${i}: output ${JSON.stringify(item.json)}`);
		if (delivered > 1) problems.push(`item ${i}: delivered ${delivered} times`);
		if (kind === 'success' && delivered !== 1) problems.push(`item ${i}: success but delivered ${delivered} times`);
		const nothingDone = requests.every((r) => BEFORE_FAULTS.includes(r.fault) || (r.fault === null && answeredCode(r) !== undefined && answeredCode(r) !== 0));
		if (kind !== 'success' && nothingDone && delivered !== 0) problems.push(`item ${i}: failed before Fxiaoke acted, yet delivered`);
		for (const p of itemViolations(requests, { idempotent: false })) problems.push(`item ${i}: ${p}`);
	});
}

/**
 * What both soak checks share: one paired output per input, every request tied to an input by
 * `keyOf`, and `checkItem` for each output item (with its kind and the requests of its input).
 * @param {string[]} keys the inputs' keys in input order
 * @param {any[]} output
 * @param {any[]} requests the sandbox's requests to the endpoint
 * @param {string} what the requests' name in a problem
 * @param {(r: any) => string | undefined} keyOf
 * @param {(item: any, i: number, kind: string, requests: any[], problems: string[]) => void} checkItem
 */
function checkSoak(keys, output, requests, what, keyOf, checkItem) {
	/** @type {string[]} */
	const problems = [];
	if (output.length !== keys.length) problems.push(`${output.length} output items for ${keys.length} inputs`);
	const requestsOf = groupBy(requests, keyOf);
	const tied = [...requestsOf.values()].flat().length;
	if (tied !== requests.length) problems.push(`${requests.length - tied} ${what} requests could not be tied to an item`);
	/** @type {string[]} */
	const kinds = [];
	output.forEach((item, i) => {
		if (pairedIndex(item) !== i) problems.push(`output ${i} is paired with ${JSON.stringify(item.pairedItem)}`);
		const kind = classifyOutput(item.json);
		kinds.push(kind);
		checkItem(item, i, kind, requestsOf.get(keys[i]) || [], problems);
	});
	return { problems, kinds: tally(kinds), requests: requests.length };
}

module.exports = {
	checkRevokeSoak,
	checkSendSoak,
	BEFORE_FAULTS,
	AFTER_FAULTS,
	SOAK_FAULTS,
	answeredSuccess,
	answeredCode,
	groupBy,
	bodyOf,
	keepEveryBody,
	itemViolations,
	pairedIndex,
	classifyOutput,
	tally,
};
