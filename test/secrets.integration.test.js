// Secrets (issue 5), in-process: every scenario (successes, wrong secret, wrong permanent code,
// token and business faults, 20016, wrong domain / HTML, bad custom URLs) runs with and without
// Continue On Fail; the node output, every thrown error (message, description, context, JSON,
// cause chain, util.inspect) and everything logged are scanned for the appSecret, the
// permanentCode and every accessToken the sandbox issued. The same in a real n8n (stdout, debug
// logs, the execution database): test/e2e/secrets.e2e.test.js.
const crypto = require('node:crypto');
const { createSandbox } = require('../sandbox/server');
const demo = require('../sandbox/demo-app');
const { binaryData, createContext, sandboxCredential, useTestRateWindow } = require('./support/harness');
const { createPrefixProxy } = require('./support/prefix-proxy');
const { Scanner, errorTexts, trackIssuedTokens } = require('./support/scan');
const { Fxiaoke } = require('../nodes/Fxiaoke/Fxiaoke.node');
const { resetTokenCache } = require('../nodes/Fxiaoke/transport');
const { RETRY } = require('../nodes/Fxiaoke/transport/retry');
const { fieldsOf } = require('./support/items');

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

/** An app whose secrets exist only in this run, so a hit cannot come from a file of the repository. */
const APP = {
	appId: `FSAID_secrets_${crypto.randomBytes(4).toString('hex')}`,
	appSecret: `appsecret-${crypto.randomBytes(16).toString('hex')}`,
	permanentCode: `permcode-${crypto.randomBytes(16).toString('hex')}`,
	ea: 'secrets_ea',
	serviceId: 'FSAID_secrets_service',
};
const WRONG_SECRET = `wrongsecret-${crypto.randomBytes(16).toString('hex')}`;
const WRONG_CODE = `wrongcode-${crypto.randomBytes(16).toString('hex')}`;

let sandbox;
let baseUrl;
let proxy;
let proxyUrl;
const savedRetry = { ...RETRY };

/** Everything a user or an operator could see, gathered over all scenarios; scanned at the end. */
const seen = [];
/** Every error the runs produced, for the message rules. */
const errors = [];
/** Every accessToken issued by the sandbox over the whole file. */
let issuedTokens = new Set();

useTestRateWindow();
beforeAll(async () => {
	sandbox = createSandbox({ apps: [APP], unknownMessages: 'accept' });
	issuedTokens = trackIssuedTokens(sandbox);
	baseUrl = await sandbox.listen(0, '127.0.0.1');
	proxy = createPrefixProxy({ target: baseUrl, prefix: '/gw' });
	proxyUrl = await proxy.listen();
	Object.assign(RETRY, { baseDelayMs: 5, maxDelayMs: 20 });
});
afterAll(async () => {
	Object.assign(RETRY, savedRetry);
	await proxy.close();
	await sandbox.close();
});

const credentialFor = (overrides = {}) =>
	sandboxCredential(baseUrl, { appId: APP.appId, appSecret: APP.appSecret, permanentCode: APP.permanentCode, userId: demo.userId, ...overrides });

/** Runs the node like the harness does, but keeps what it logs through n8n's logger. */
async function runCapturing({ parameters, items = 1, credential, continueOnFail, binaries }) {
	const logged = [];
	const context = createContext({ items: Array.from({ length: items }, () => ({})), binaries, parameters, credential, continueOnFail });
	context.helpers.httpRequestWithAuthentication = context.helpers.httpRequestWithAuthentication.bind(context);
	context.logger = Object.fromEntries(['debug', 'info', 'warn', 'error', 'verbose'].map((level) => [level, (...args) => logged.push([level, ...args])]));
	const consoleCalls = [];
	const spies = ['log', 'info', 'warn', 'error', 'debug'].map((m) => jest.spyOn(console, m).mockImplementation((...args) => consoleCalls.push(args)));
	try {
		const output = await new Fxiaoke().execute.call(context);
		return { output, logged, consoleCalls };
	} catch (error) {
		return { error, logged, consoleCalls };
	} finally {
		spies.forEach((s) => s.mockRestore());
	}
}

const revoke = (extra = {}) => ({ resource: 'message', operation: 'revoke', serviceId: APP.serviceId, messageId: `m-${crypto.randomUUID()}`, ...extra });
const sendText = (extra = {}) => ({ resource: 'message', operation: 'sendText', toUser: '1000,1001', content: `hello ${crypto.randomUUID()}`, ...extra });
const FAST = { timeout: 250, concurrency: 1 };
const BUSINESS_FAULTS = [
	'tokenExpired', 'error20016', 'rateLimit14001', 'rateLimit30004', 'busy', 'serviceTimeout50009', 'quotaDaily30002',
	'quotaNone30003', 'http500', 'http502', 'http503', 'http429', 'resetBeforeReply', 'resetAfterApply', 'slowReply',
	'truncatedJson', 'nonJson', 'redirectHtml',
];
const TOKEN_FAULTS = ['redirectHtml', 'nonJson', 'http500', 'http429', 'truncatedJson', 'resetAfterApply', 'resetBeforeReply', 'rateLimit14001', 'quotaDaily30002', 'busy'];

/**
 * [scenario, { parameters (per item), items, credential overrides, setup(sandbox), binaries }]
 */
const SCENARIOS = [
	['revoke succeeds', { parameters: () => revoke(), items: 3 }],
	['sendText succeeds', { parameters: () => sendText(), items: 2 }],
	['sendComposite succeeds', { parameters: () => ({ resource: 'message', operation: 'sendComposite', toUser: '1000', headTitle: 'H', linkTitle: 'L', linkUrl: 'https://example.com' }) }],
	['sendArticles with an uploaded cover succeeds', {
		parameters: () => ({ resource: 'message', operation: 'sendArticles', toUser: '1000', articles: { article: [{ title: 'T', coverSource: 'binary', coverBinaryProperty: 'data', type: 'TEXT', content: 'C' }] } }),
		binaries: [{ data: binaryData(PNG, { mimeType: 'image/png', fileName: 'c.png' }) }],
	}],
	['sendAsServiceAccount succeeds', { parameters: () => ({ resource: 'message', operation: 'sendAsServiceAccount', serviceId: APP.serviceId, messageType: 'text', toUser: '1000', content: 'x' }) }],
	['wrong appSecret', { parameters: () => revoke(), items: 2, overrides: { appSecret: WRONG_SECRET } }],
	['wrong permanentCode', { parameters: () => sendText(), items: 2, overrides: { permanentCode: WRONG_CODE } }],
	['unknown appId', { parameters: () => revoke(), overrides: { appId: 'FSAID_nobody' } }],
	...TOKEN_FAULTS.map((fault) => [`token endpoint: ${fault}`, { parameters: () => revoke(), items: 2, setup: (sb) => sb.injectNext(fault, 1, 'token', { slowMs: 500 }) }]),
	...BUSINESS_FAULTS.map((fault) => [`revoke: ${fault}`, { parameters: () => revoke({ options: FAST }), items: 2, setup: (sb) => sb.injectNext(fault, 1, 'revoke', { slowMs: 600 }) }]),
	...BUSINESS_FAULTS.map((fault) => [`sendText: ${fault}`, { parameters: () => sendText({ options: FAST }), items: 2, setup: (sb) => sb.injectNext(fault, 1, 'send', { slowMs: 600 }) }]),
	['20016 twice (refresh did not help)', { parameters: () => revoke(), setup: (sb) => sb.injectNext('error20016', 2, 'revoke') }],
	['a faulted upload of a cover', {
		parameters: () => ({ resource: 'message', operation: 'sendArticles', toUser: '1000', articles: { article: [{ title: 'T', coverSource: 'binary', coverBinaryProperty: 'data', type: 'TEXT', content: 'C' }] }, options: FAST }),
		binaries: [{ data: binaryData(PNG, { mimeType: 'image/png', fileName: 'c.png' }) }],
		setup: (sb) => sb.injectNext('truncatedJson', 6, 'upload'),
	}],
	['wrong domain: a gateway answering 404 HTML', { parameters: () => revoke(), overrides: () => ({ customUrl: proxyUrl.replace('/gw', '/wrong') }) }],
	['wrong domain: redirect to a landing page on a business call', { parameters: () => sendText(), setup: (sb) => sb.injectNext('redirectHtml', 1, 'send') }],
	['nothing listening (connection refused)', { parameters: () => revoke(), overrides: { customUrl: 'http://127.0.0.1:9' } }],
	['a custom URL holding the secret as a password', { parameters: () => revoke(), overrides: () => ({ customUrl: baseUrl.replace('http://', `http://user:${APP.appSecret}@`) }) }],
	['a custom URL holding the permanent code in a query', { parameters: () => revoke(), overrides: () => ({ customUrl: `${baseUrl}/?code=${APP.permanentCode}` }) }],
];

describe.each([false, true])('Continue On Fail %s', (continueOnFail) => {
	test.each(SCENARIOS)('%s', async (name, scenario) => {
		sandbox.reset();
		resetTokenCache();
		if (scenario.setup) scenario.setup(sandbox);
		const overrides = typeof scenario.overrides === 'function' ? scenario.overrides() : scenario.overrides;
		const credential = credentialFor(overrides);
		const result = await runCapturing({
			parameters: scenario.parameters,
			items: scenario.items,
			credential,
			continueOnFail,
			binaries: scenario.binaries,
		});
		if (typeof credential.data.accessToken === 'string' && credential.data.accessToken !== '') issuedTokens.add(credential.data.accessToken);

		const where = `${name} (Continue On Fail ${continueOnFail})`;
		if (result.output) seen.push([`${where}: output`, result.output]);
		if (result.error) {
			seen.push([`${where}: thrown`, result.error]);
			errors.push({ where, message: result.error.message, description: result.error.description, transportReason: result.error.context?.transportReason, host: result.error.context?.host });
		}
		for (const item of result.output?.[0] ?? []) {
			if (item.json.error !== undefined) {
				errors.push({ where, message: item.json.error, description: fieldsOf(item).description, transportReason: fieldsOf(item).transportReason, host: fieldsOf(item).host });
			}
		}
		seen.push([`${where}: n8n logger`, result.logged], [`${where}: console`, result.consoleCalls]);
		// Each scenario produced something to look at.
		expect(result.output ?? result.error).toBeDefined();
	});
});

describe('after every scenario', () => {
	test('the sandbox issued tokens, and the scenarios really failed in many ways', () => {
		expect(issuedTokens.size).toBeGreaterThan(10);
		expect(errors.length).toBeGreaterThan(60);
		expect(new Set(errors.map((e) => e.transportReason).filter(Boolean))).toEqual(
			new Set(['redirect', 'not-json', 'http-status', 'connection-reset', 'timeout', 'connection-refused']),
		);
	});

	test('no appSecret, permanentCode or accessToken anywhere: outputs, errors (incl. cause, JSON, inspect), logs', () => {
		const scanner = new Scanner([
			{ name: 'appSecret', value: APP.appSecret },
			{ name: 'permanentCode', value: APP.permanentCode },
			{ name: 'wrong appSecret', value: WRONG_SECRET },
			{ name: 'wrong permanentCode', value: WRONG_CODE },
			...[...issuedTokens].map((value) => ({ name: 'accessToken', value })),
		]);
		for (const [where, value] of seen) {
			if (value instanceof Error) scanner.error(where, value);
			else scanner.value(where, value);
		}
		expect(scanner.scanned.texts).toBeGreaterThan(300);
		expect(scanner.report()).toEqual([]);
	});

	test('error messages name the host, never a URL (nor a token or a query string)', () => {
		const hosts = [new URL(baseUrl).host, new URL(proxyUrl).host, '127.0.0.1:9'];
		const problems = [];
		for (const e of errors) {
			const text = `${e.message}\n${e.description ?? ''}`;
			if (/[a-z][a-z0-9+.-]*:\/\//i.test(text)) problems.push(`${e.where}: a URL in "${text}"`);
			if (/thirdTraceId|Bearer|authorization/i.test(text)) problems.push(`${e.where}: request details in "${text}"`);
			if (e.transportReason && !(hosts.includes(e.host) && e.message.includes(e.host))) {
				problems.push(`${e.where}: transport error without the host: "${e.message}" (host ${e.host})`);
			}
		}
		expect(problems).toEqual([]);
	});
});

test('the scanner finds a planted secret (the scan is not vacuous)', () => {
	const scanner = new Scanner([{ name: 'appSecret', value: APP.appSecret }]);
	const error = new Error('outer', { cause: Object.assign(new Error('inner'), { config: { headers: { authorization: `Bearer x ${APP.appSecret}` } } }) });
	scanner.error('planted', error);
	scanner.text('planted base64', Buffer.from(APP.appSecret).toString('base64'));
	expect(scanner.hits().map((h) => h.form)).toEqual(expect.arrayContaining(['raw', 'base64']));
	expect(errorTexts(error).some(([label]) => label.startsWith('error.cause^1'))).toBe(true);
});
