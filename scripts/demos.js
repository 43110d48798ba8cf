'use strict';
/**
 * The demos `npm start` sets up, shared with the e2e that runs each of them twice
 * (test/e2e/demos.e2e.test.js): which examples are imported, and what the sandbox holds for them.
 */
const path = require('node:path');

const { seedDemoData } = require('../sandbox/demo-data');

const REPO_ROOT = path.resolve(__dirname, '..');

/** The examples imported by `npm start`, the first one opened. */
const DEMO_EXAMPLES = [
	'send-then-revoke.json',
	'revoke-messages.json',
	'crm-records.json',
	'text-by-mobile.json',
	'account-level-message.json',
	'lead-status-pushed.json',
	'discount-approval.json',
	'deal-won.json',
].map((f) => path.join(REPO_ROOT, 'examples', f));

/** The sandbox's fixed address in the examples (`npm start`'s default SANDBOX_PORT). */
const DEMO_SANDBOX_URL = 'http://127.0.0.1:8787';

/** Message ids examples/revoke-messages.json revokes. */
const DEMO_MESSAGE_IDS = Array.from({ length: 1000 }, (_, i) => `msg-${i + 1}`);

/**
 * The sandbox options of the demos: sends answer with a message id (not documented by Fxiaoke) so
 * that a demo can revoke what it sent.
 */
const DEMO_SANDBOX_OPTIONS = { unknownMessages: 'error', returnMessageId: true };

/**
 * Fills a new sandbox for the demos: the revocable messages and the CRM records.
 * @param {any} sandbox @param {string} serviceId
 */
function seedDemos(sandbox, serviceId) {
	sandbox.seedMessages(serviceId, DEMO_MESSAGE_IDS);
	return seedDemoData(sandbox);
}

module.exports = { DEMO_EXAMPLES, DEMO_SANDBOX_URL, DEMO_SANDBOX_OPTIONS, seedDemos };
