// Runs the Fxiaoke node's execute() in-process with n8n's own helpers where they are public:
// n8n-core's constructExecutionMetaData/returnJsonArray and n8n's outbound HTTP client (the same
// object httpRequestWithAuthentication uses). The credential step copies n8n CLI's semantics
// (credentials-helper.ts, 2.41): a blank expirable property runs preAuthentication, whose output
// is persisted and merged into the credential data passed in. Real n8n is tested in test/e2e.
// @n8n/di and @n8n/backend-network are the copies n8n-core itself uses (it pins its versions;
// other packages bring other versions to the top of node_modules).
const fromN8nCore = (name) => require(require.resolve(name, { paths: [require.resolve('n8n-core')] }));
const { Container } = fromN8nCore('@n8n/di');
const { OutboundHttp } = fromN8nCore('@n8n/backend-network');
const { assertBinaryData, constructExecutionMetaData, returnJsonArray } = require('n8n-core');
const { BINARY_ENCODING } = require('n8n-workflow');

const { Fxiaoke } = require('../../nodes/Fxiaoke/Fxiaoke.node');
const { FxiaokeApi } = require('../../credentials/FxiaokeApi.credentials');
const { TOKEN_PACING } = require('../../nodes/Fxiaoke/transport/tokenForRequest');
const demo = require('../../sandbox/demo-app');

const credentialType = new FxiaokeApi();
/** The node's default rate window in integration tests (see useSandbox). */
const TEST_RATE_WINDOW_MS = 200;

// The spacing of token calls (6 s apart, with a random wait before each) protects Fxiaoke's token
// endpoint in production; tests of other behaviour would only wait for it. The tests of the spacing
// itself set it back (test/token.integration.test.js).
Object.assign(TOKEN_PACING, { minIntervalMs: 0, jitterMs: 0 });
const http = () => Container.get(OutboundHttp).requests();

/** The credential as n8n stores it, with defaults of hidden properties applied. */
function createCredentialStore(data, { id = 'cred-1', name = 'Fxiaoke test' } = {}) {
	const defaults = Object.fromEntries(credentialType.properties.map((p) => [p.name, p.default]));
	return { id, name, data: { ...defaults, ...data }, persisted: 0 };
}

function sandboxCredential(baseUrl, overrides = {}) {
	return createCredentialStore({
		cloud: 'custom',
		customUrl: baseUrl,
		appId: demo.appId,
		appSecret: demo.appSecret,
		permanentCode: demo.permanentCode,
		userId: demo.userId,
		...overrides,
	});
}

async function preAuthentication(store, credentials) {
	if (credentials.accessToken !== '') return undefined;
	const output = await credentialType.preAuthentication.call({ helpers: { httpRequest: (o) => http().request(o) } }, credentials);
	store.data = { ...store.data, ...output };
	store.persisted++;
	return Object.assign(credentials, output);
}

/**
 * An input item's binary property as n8n keeps it in memory (default binary mode): base64 data.
 * @param {Buffer} buffer
 * @param {{mimeType?: string, fileName?: string}} [meta]
 */
function binaryData(buffer, { mimeType = 'application/octet-stream', fileName } = {}) {
	const data = { data: buffer.toString(BINARY_ENCODING), mimeType, bytes: buffer.length };
	if (fileName !== undefined) {
		data.fileName = fileName;
		const dot = fileName.lastIndexOf('.');
		if (dot > 0) data.fileExtension = fileName.slice(dot + 1);
	}
	return data;
}

/**
 * @param {object} options
 * @param {Array<object>} options.items input items' json
 * @param {Array<object|undefined>} [options.binaries] input items' binary properties, e.g. `[{ data: binaryData(buf) }]`
 * @param {(itemIndex: number) => object} options.parameters node parameters per item (expressions already resolved)
 * @param {ReturnType<typeof createCredentialStore>} options.credential
 * @param {boolean} [options.continueOnFail]
 * @param {AbortSignal} [options.signal] the execution's cancel signal
 * @param {string} [options.onError] the node's On Error setting
 * @param {string} [options.timezone] the workflow's time zone (default UTC)
 */
function createContext({ items, binaries = [], parameters, credential, continueOnFail = false, signal, onError, timezone = 'UTC' }) {
	const node = {
		id: 'node-1',
		name: 'Fxiaoke',
		type: 'fxiaoke',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { fxiaokeApi: { id: credential.id, name: credential.name } },
		...(onError ? { onError } : {}),
	};
	// The saved parameters as n8n keeps them: a value that differs between items can only come from
	// an expression, so it is saved as one (the node reads constant values once per run).
	let saved;
	Object.defineProperty(node, 'parameters', {
		enumerable: true,
		get() {
			if (saved) return saved;
			saved = { ...parameters(0) };
			const first = Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, JSON.stringify(v)]));
			for (let i = 1; i < items.length; i++) {
				for (const [k, v] of Object.entries(parameters(i))) {
					if (JSON.stringify(v) !== first[k]) saved[k] = '={{ $json.varies }}';
				}
			}
			return saved;
		},
	});
	const inputItems = () => items.map((json, i) => (binaries[i] ? { json, binary: binaries[i] } : { json }));
	return {
		getInputData: inputItems,
		getNodeParameter(name, itemIndex, fallback, options) {
			const values = parameters(itemIndex);
			if (name in values) return options?.extractValue ? extracted(values[name]) : values[name];
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getNode: () => node,
		getTimezone: () => timezone,
		getCredentials: async () => ({ ...credential.data }),
		continueOnFail: () => continueOnFail,
		getExecutionCancelSignal: () => signal,
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: {
			constructExecutionMetaData,
			returnJsonArray,
			httpRequest: (options) => http().request(options),
			// n8n-core's own lookup (and its errors); the bytes as BinaryDataService.getAsBuffer reads
			// in-memory data, without the service (whose instance settings would write to ~/.n8n).
			assertBinaryData: (itemIndex, parameterData) =>
				assertBinaryData({ main: [inputItems()] }, node, itemIndex, parameterData, 0),
			// n8n's default (in-memory) binary mode keeps the bytes as base64 in the item, as binaryData does.
			async prepareBinaryData(buffer, fileName, mimeType) {
				return { ...binaryData(buffer, { mimeType: mimeType ?? 'application/octet-stream', fileName }), fileSize: `${buffer.length} B` };
			},
			async getBinaryDataBuffer(itemIndex, parameterData) {
				const binary = assertBinaryData({ main: [inputItems()] }, node, itemIndex, parameterData, 0);
				return Buffer.from(binary.data, BINARY_ENCODING);
			},
			async httpRequestWithAuthentication(type, options, extra) {
				const credentials = extra?.credentialsDecrypted?.data ?? (await this.getCredentials(type));
				await preAuthentication(credential, credentials);
				const authenticated = await credentialType.authenticate(credentials, options);
				// As n8n-core does: the execution's cancel signal goes with every authenticated request.
				return await http().request(signal ? { ...authenticated, abortSignal: signal } : authenticated);
			},
		},
	};
}

/** A resource locator's value, as n8n's `extractValue` gives it. @param {any} value */
function extracted(value) {
	return value && typeof value === 'object' && 'mode' in value ? value.value : value;
}

/**
 * What the editor's option loading gets (list searches, load options, resource mapper fields):
 * the current parameters, the credential and the authenticated HTTP helper.
 * @param {{ parameters: object, credential: ReturnType<typeof createCredentialStore> }} options
 */
function createLoadOptionsContext({ parameters, credential }) {
	const context = createContext({ items: [{}], parameters: () => parameters, credential });
	const loadOptions = {
		getNode: context.getNode,
		getCredentials: context.getCredentials,
		getNodeParameter: (/** @type {string} */ name, /** @type {any} */ fallback, /** @type {any} */ options) => context.getNodeParameter(name, 0, fallback, options),
		getCurrentNodeParameter: (/** @type {string} */ name) => parameters[name],
		logger: context.logger,
		helpers: { httpRequest: context.helpers.httpRequest, httpRequestWithAuthentication: context.helpers.httpRequestWithAuthentication },
	};
	loadOptions.helpers.httpRequestWithAuthentication = loadOptions.helpers.httpRequestWithAuthentication.bind(loadOptions);
	return loadOptions;
}

/**
 * What a polling trigger's poll gets: its parameters, the workflow's static data for the node (an
 * object the test keeps between polls, as n8n does), the mode ('trigger', or 'manual' for Fetch Test
 * Event), the workflow's ID, n8n's poll budget (`pollBudgetMs`; none, as in n8n 1.x, when not given)
 * and the authenticated HTTP helper.
 * @param {{ parameters: object, credential: ReturnType<typeof createCredentialStore>, staticData: object, mode?: string, timezone?: string, workflowId?: string, pollBudgetMs?: number }} options
 */
function createPollContext({ parameters, credential, staticData, mode = 'trigger', timezone, workflowId = 'wfTriggerTest001', pollBudgetMs }) {
	const context = createContext({ items: [{}], parameters: () => parameters, credential, timezone });
	const poll = {
		getNode: context.getNode,
		getTimezone: context.getTimezone,
		getCredentials: context.getCredentials,
		getWorkflow: () => ({ id: workflowId, name: 'Trigger test', active: true }),
		getMode: () => mode,
		getActivationMode: () => 'activate',
		getWorkflowStaticData: () => staticData,
		// n8n 2.x gives a poll its time budget; 1.x has no such function
		...(pollBudgetMs === undefined ? {} : { getPollBudgetMs: () => pollBudgetMs }),
		getNodeParameter: (/** @type {string} */ name, /** @type {any} */ fallback, /** @type {any} */ options) => context.getNodeParameter(name, 0, fallback, options),
		logger: context.logger,
		helpers: { httpRequest: context.helpers.httpRequest, httpRequestWithAuthentication: context.helpers.httpRequestWithAuthentication },
	};
	poll.helpers.httpRequestWithAuthentication = poll.helpers.httpRequestWithAuthentication.bind(poll);
	return poll;
}

/**
 * The jest hooks of an integration test file: one sandbox on a free port for the file (`options`
 * for createSandbox; `beforeListen` e.g. to keep every body); before each test it is reset and
 * configured with `each`, and the node forgets its tokens and limiters; `retry` shortens the node's
 * backoff for the file (restored after it). The node's default rate window (Fxiaoke's 20 s, used
 * where a test sets no Rate Limit Window) is `rateWindowMs` for the file, 200 ms unless given: only
 * tests that set their own window test pacing. `bind` receives `{ sandbox, baseUrl }` once it listens.
 * @param {{ options?: object, each?: object, retry?: object, rateWindowMs?: number, beforeListen?: (sandbox: any) => void }} opts
 * @param {(env: { sandbox: any, baseUrl: string }) => void} bind
 */
function useSandbox({ options, each, retry, rateWindowMs = TEST_RATE_WINDOW_MS, beforeListen }, bind) {
	// (Required here, not at the top: harness.js is also loaded by tests that start no sandbox.)
	const { createSandbox } = require('../../sandbox/server');
	const { resetTokenCache } = require('../../nodes/Fxiaoke/transport');
	const { RETRY } = require('../../nodes/Fxiaoke/transport/retry');
	const savedRetry = { ...RETRY };
	useTestRateWindow(rateWindowMs);
	/** @type {any} */
	let sandbox;
	beforeAll(async () => {
		sandbox = createSandbox(options);
		if (beforeListen) beforeListen(sandbox);
		bind({ sandbox, baseUrl: await sandbox.listen(0, '127.0.0.1') });
		if (retry) Object.assign(RETRY, retry);
	});
	afterAll(async () => {
		Object.assign(RETRY, savedRetry);
		if (sandbox) await sandbox.close();
	});
	beforeEach(() => {
		sandbox.reset();
		if (each) sandbox.configure(each);
		resetTokenCache();
	});
}

/**
 * The jest hooks that set the node's default rate window (Fxiaoke's 20 s, used where a test sets no
 * Rate Limit Window) for the file, and restore it after; useSandbox calls it.
 * @param {number} [windowMs]
 */
function useTestRateWindow(windowMs = TEST_RATE_WINDOW_MS) {
	const { RATE_DEFAULTS } = require('../../nodes/Fxiaoke/transport/constants');
	const saved = { ...RATE_DEFAULTS };
	beforeAll(() => {
		RATE_DEFAULTS.windowMs = windowMs;
	});
	afterAll(() => {
		Object.assign(RATE_DEFAULTS, saved);
	});
}

async function runNode(options) {
	const context = createContext(options);
	context.helpers.httpRequestWithAuthentication = context.helpers.httpRequestWithAuthentication.bind(context);
	options.onContext?.(context); // a test may watch the context's calls
	return await new Fxiaoke().execute.call(context);
}

module.exports = { runNode, useSandbox, useTestRateWindow, createContext, createLoadOptionsContext, createPollContext, createCredentialStore, sandboxCredential, credentialType, binaryData };
