import { normalizeBaseUrl, baseUrlOf, InvalidBaseUrl } from '../nodes/Fxiaoke/transport/baseUrl';
import { parseEnvelope } from '../nodes/Fxiaoke/transport/response';
import { toTransportFailure } from '../nodes/Fxiaoke/transport/network';
import { FxiaokeTransportFailure } from '../nodes/Fxiaoke/transport/errors';
import { isRetryable } from '../nodes/Fxiaoke/transport/retry';
import { authenticateRequest } from '../nodes/Fxiaoke/transport/authenticate';
import { isTokenFresh, tokenFingerprint, REFRESH_MARGIN_MS } from '../nodes/Fxiaoke/transport/tokenFields';
import { requestToken } from '../nodes/Fxiaoke/transport/token';
import { resetTokens, usableToken } from '../nodes/Fxiaoke/transport/tokenCache';
import { Fxiaoke } from '../nodes/Fxiaoke/Fxiaoke.node';
import { FxiaokeApi } from '../credentials/FxiaokeApi.credentials';
import { readOptions } from '../nodes/Fxiaoke/actions/options';
import codex from '../nodes/Fxiaoke/Fxiaoke.node.json';
import { NodeOperationError, type IExecuteFunctions, type IHttpRequestHelper, type INodePropertyOptions } from 'n8n-workflow';

describe('base URL', () => {
	test.each([
		['https://open.fxiaoke.com', 'https://open.fxiaoke.com'],
		['https://open.fxiaoke.com///', 'https://open.fxiaoke.com'],
		['  http://127.0.0.1:8787/ ', 'http://127.0.0.1:8787'],
		['https://crm.example.cn/openapi/', 'https://crm.example.cn/openapi'],
		['HTTPS://Open.Fxiaoke.com', 'https://open.fxiaoke.com'],
	])('%s → %s', (raw, expected) => expect(normalizeBaseUrl(raw)).toBe(expected));

	test.each([
		['', /empty/],
		['   ', /empty/],
		['open.fxiaoke.com', /not a valid URL/],
		['ftp://open.fxiaoke.com', /https:\/\/ or http:\/\//],
		['javascript:alert(1)', /https:\/\/ or http:\/\//],
		['file:///etc/passwd', /https:\/\/ or http:\/\//],
		['https://user:pa55word@open.fxiaoke.com', /user name or password/],
		['https://open.fxiaoke.com/?x=1', /query/],
		['https://open.fxiaoke.com/#top', /fragment/],
		['http://', /not a valid URL|no host/],
	])('rejects %j', (raw, message) => {
		expect(() => normalizeBaseUrl(raw)).toThrow(InvalidBaseUrl);
		expect(() => normalizeBaseUrl(raw)).toThrow(message);
	});

	test('a rejected URL never echoes a password', () => {
		expect(() => normalizeBaseUrl('https://u:secret-pw@h.example')).toThrow(/^((?!secret-pw).)*$/);
	});

	test('preset clouds and custom', () => {
		expect(baseUrlOf({ cloud: 'https://open-hwcloud.fxiaoke.com' })).toBe('https://open-hwcloud.fxiaoke.com');
		expect(baseUrlOf({ cloud: 'custom', customUrl: 'http://localhost:1/' })).toBe('http://localhost:1');
		expect(baseUrlOf({})).toBe('https://open.fxiaoke.com');
	});
});

describe('response envelope', () => {
	const base = 'https://open.fxiaoke.com';
	test('a JSON envelope is returned as received, whatever the HTTP status', () => {
		const body = { errorCode: 20016, errorMessage: 'x', errorDescription: 'y', traceId: 't' };
		expect(parseEnvelope({ statusCode: 200, body: JSON.stringify(body) }, base, 'call')).toEqual(body);
		expect(parseEnvelope({ statusCode: 500, body: JSON.stringify(body) }, base, 'call')).toEqual(body);
	});
	test.each([
		[{ statusCode: 302, headers: { location: 'https://www.fxiaoke.com/home' }, body: '' }, 'redirect', /redirect.*www\.fxiaoke\.com/],
		[{ statusCode: 200, body: '<!DOCTYPE html><html></html>' }, 'not-json', /HTML page/],
		[{ statusCode: 200, body: '{"errorCode":0,"tra' }, 'not-json', /not Fxiaoke's JSON/],
		[{ statusCode: 502, body: 'Bad gateway' }, 'http-status', /HTTP 502/],
		[{ statusCode: 200, body: '[1,2]' }, 'not-json', /not Fxiaoke's JSON/],
	])('%j → %s', (response, reason, message) => {
		let error: unknown;
		try {
			parseEnvelope(response, base, 'call');
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(FxiaokeTransportFailure);
		expect((error as FxiaokeTransportFailure).reason).toBe(reason);
		expect((error as Error).message).toMatch(message);
		expect((error as Error).message).toContain('open.fxiaoke.com');
	});
});

describe('network failures', () => {
	test.each([
		['ECONNRESET', 'connection-reset', true],
		['ECONNREFUSED', 'connection-refused', false],
		['ENOTFOUND', 'host-not-found', false],
		['ECONNABORTED', 'timeout', true],
	])('%s → %s (ambiguous: %s)', (code, reason, ambiguous) => {
		const failure = toTransportFailure({ code, message: 'x', config: { headers: { authorization: 'Bearer SECRET' } } }, 'https://h.example', 'call');
		expect(failure.reason).toBe(reason);
		expect(failure.maybeCarriedOut).toBe(ambiguous);
		expect(failure.message).toContain('h.example');
		expect(failure.message).not.toContain('SECRET');
	});
	test('codes are found in wrapped causes', () => {
		const wrapped = new Error('outer', { cause: { code: 'ECONNRESET' } });
		expect(toTransportFailure(wrapped, 'https://h.example', 'call').reason).toBe('connection-reset');
	});
	test('a request cancelled with the execution is not retried and may have arrived', () => {
		const failure = toTransportFailure(new Error('canceled', { cause: { code: 'ERR_CANCELED' } }), 'https://h.example', 'call');
		expect(failure.reason).toBe('cancelled');
		expect(failure.maybeCarriedOut).toBe(true);
		expect(isRetryable(failure, true)).toBe(false);
	});
	test.each([
		['SSRF protection (as n8n wraps it: a NodeApiError-like error whose cause is the blocking error)', ssrfError()],
		['a domain the credential may not reach (a UserError thrown before sending)', userError('Domain not allowed: This credential is restricted')],
	])('n8n refused the request, %s: its message, not retried, never ambiguous', (_what, error) => {
		const failure = toTransportFailure(error, 'https://h.example', 'call');
		expect(failure.reason).toBe('refused-by-n8n');
		expect(failure.maybeCarriedOut).toBe(false);
		expect(failure.message).toBe(error instanceof Error && error.cause instanceof Error ? error.cause.message : (error as Error).message);
		expect(isRetryable(failure, true)).toBe(false);
	});
});

/** The shape of @n8n/backend-network's SsrfBlockedIpError (its name is what the transport reads), wrapped as n8n-core does. */
function ssrfError(): Error {
	const blocked = new Error('The request was blocked because it resolves to a restricted IP address');
	blocked.name = 'SsrfBlockedIpError';
	return new Error(blocked.message, { cause: blocked });
}

function userError(message: string): Error {
	class UserError extends Error {}
	return new UserError(message);
}

describe('authentication', () => {
	test('adds bearer token, ea, user id and a fresh UUID v4 thirdTraceId', () => {
		const creds = { accessToken: 'TOKEN', ea: 'ea1', userId: ' 1000 ' };
		const a = authenticateRequest(creds, { url: 'https://x/y', qs: { other: 1 } });
		const b = authenticateRequest(creds, { url: 'https://x/y' });
		expect(a.headers).toMatchObject({ authorization: 'Bearer TOKEN', 'x-fs-ea': 'ea1', 'x-fs-userid': '1000' });
		expect(a.qs).toMatchObject({ other: 1, thirdTraceId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
		expect(a.qs!.thirdTraceId).not.toBe(b.qs!.thirdTraceId);
	});
	test('keeps a thirdTraceId the caller chose', () => {
		const a = authenticateRequest({}, { url: 'https://x', qs: { thirdTraceId: 'mine' } });
		expect(a.qs!.thirdTraceId).toBe('mine');
	});
});

describe('token freshness', () => {
	const creds = { cloud: 'custom', customUrl: 'http://h', appId: 'A', permanentCode: 'P' };
	const now = 1_000_000_000;
	const stored = (over: object) => ({ ...creds, accessToken: 'T', tokenFingerprint: tokenFingerprint(creds), ...over });
	test('fresh with more than the margin left', () => {
		expect(isTokenFresh(stored({ tokenExpiresAt: now + REFRESH_MARGIN_MS + 1000 }), now)).toBe(true);
	});
	test('stale near expiry, when blank, or for other app settings', () => {
		expect(isTokenFresh(stored({ tokenExpiresAt: now + REFRESH_MARGIN_MS - 1000 }), now)).toBe(false);
		expect(isTokenFresh(stored({ tokenExpiresAt: now + 7_000_000, accessToken: '' }), now)).toBe(false);
		expect(isTokenFresh({ ...stored({ tokenExpiresAt: now + 7_000_000 }), appId: 'B' }, now)).toBe(false);
	});
	test('the margin leaves room for Fxiaoke handing back the same token for 6600 s', async () => {
		// Fxiaoke's token endpoint on a logical clock (API.md: a token lives 7200 s; asked within 6600 s
		// of its issue, the endpoint hands back the same token with expiresIn = its remaining seconds;
		// asked later, it issues a new one).
		const LIFE_MS = 7200_000;
		const REISSUE_MS = 6600_000;
		const app = { ...creds, appSecret: 'S' };
		const fingerprint = tokenFingerprint(app);
		let clock = 0;
		const clockSpy = jest.spyOn(Date, 'now').mockImplementation(() => clock);
		try {
			// The node starts with Fxiaoke's token already this old (another worker fetched it first).
			const outcomes = [];
			for (const startAge of [0, 3_600_000, 6_599_000]) {
				resetTokens();
				const death = new Map<string, number>();
				let issued = 0;
				let current = { token: 'T0', issuedAt: now - startAge };
				death.set(current.token, current.issuedAt + LIFE_MS);
				const endpoint = {
					helpers: {
						httpRequest: async () => {
							if (clock - current.issuedAt >= REISSUE_MS) {
								current = { token: `T${++issued}`, issuedAt: clock };
								death.set(current.token, clock + LIFE_MS);
							}
							const expiresIn = Math.ceil((current.issuedAt + LIFE_MS - clock) / 1000);
							const body = { accessToken: current.token, ea: 'ea1', expiresIn, errorCode: 0, errorMessage: 'success', traceId: 'E-O.1' };
							return { statusCode: 200, headers: {}, body: JSON.stringify(body) };
						},
					},
				} as unknown as IHttpRequestHelper;
				// Three token lifetimes, second by second: refresh whenever the node finds no usable token.
				const refreshes: Array<{ age: number; token: string; handedBack: boolean }> = [];
				const loops: number[] = [];
				const deadUses: number[] = [];
				for (clock = now; clock <= now + 3 * LIFE_MS; clock += 1000) {
					if (!usableToken(fingerprint)) {
						const before = current;
						const fields = await requestToken.call(endpoint, app);
						refreshes.push({ age: clock - before.issuedAt, token: fields.accessToken, handedBack: fields.accessToken === before.token });
						// What was just issued (or handed back) must count as fresh, in memory and as stored: else the next item refreshes again.
						if ((!usableToken(fingerprint) || !isTokenFresh({ ...app, ...fields })) && loops.length < 5) loops.push(clock - now);
					}
					const used = usableToken(fingerprint);
					if (used && clock >= death.get(used.fields.accessToken)! && deadUses.length < 5) deadUses.push(clock - now);
				}
				outcomes.push({
					startAge,
					loops,
					deadUses,
					// Renewed at least once per lifetime, each renewal bringing a token not seen before...
					renewals: refreshes.length - 1 >= 3,
					distinctTokens: new Set(refreshes.map((r) => r.token)).size === refreshes.length,
					// ...asked for when the old token was between 6600 s and 7200 s old, so not handed back.
					outOfWindow: refreshes.slice(1).filter((r) => r.handedBack || r.age < REISSUE_MS || r.age >= LIFE_MS),
				});
				// The first call hands back the token Fxiaoke already had (the same one, with its remaining life).
				expect(refreshes[0]).toEqual({ age: startAge, token: 'T0', handedBack: true });
			}
			// Every token handed back, even with only 601 s left, is used (no refresh loop), never after
			// its death, and refreshed between 6600 s (a new token comes back) and 7200 s of its life.
			const ok = { loops: [], deadUses: [], renewals: true, distinctTokens: true, outOfWindow: [] };
			expect(outcomes).toEqual([
				{ startAge: 0, ...ok },
				{ startAge: 3_600_000, ...ok },
				{ startAge: 6_599_000, ...ok },
			]);
		} finally {
			clockSpy.mockRestore();
			resetTokens();
		}
	});
});

describe('descriptions', () => {
	const node = new Fxiaoke().description;
	const credential = new FxiaokeApi();
	test('node contract names', () => {
		expect(node.name).toBe('fxiaoke');
		expect(node.usableAsTool).toBe(true);
		const operation = node.properties.find((p) => p.name === 'operation');
		expect(operation?.options?.map((o) => ('value' in o ? o.value : undefined))).toContain('revoke');
		expect(node.properties.map((p) => p.name)).toEqual(expect.arrayContaining(['resource', 'serviceId', 'messageId']));
	});
	test('credential contract names, secrets as passwords, expirable token', () => {
		expect(credential.name).toBe('fxiaokeApi');
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		for (const name of ['cloud', 'customUrl', 'appId', 'appSecret', 'permanentCode', 'userId']) expect(byName[name]).toBeDefined();
		expect(byName.appSecret.typeOptions?.password).toBe(true);
		expect(byName.permanentCode.typeOptions?.password).toBe(true);
		expect(byName.accessToken).toMatchObject({ type: 'hidden', typeOptions: { expirable: true, password: true } });
	});
});

describe('error items', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { NodeApiError } = require('n8n-workflow');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { errorItem } = require('../nodes/Fxiaoke/actions/router');
	const node = { id: '1', name: 'Fxiaoke', type: 'fxiaoke', typeVersion: 1, position: [0, 0], parameters: {} };
	const error = new NodeApiError(node, { errorCode: 90001 }, { message: 'Fxiaoke error 90001: not found', itemIndex: 2 });
	Object.assign(error.context, { errorCode: 90001, traceId: 'E-O.1', itemIndex: 2 });

	test('`error` and `details` only, which n8n routes to the error output, paired to the item', () => {
		const item = errorItem(error, 2);
		expect(Object.keys(item.json).sort()).toEqual(['details', 'error']);
		expect(item.json.error).toBe('Fxiaoke error 90001: not found');
		expect(item.json.details).toMatchObject({ errorCode: 90001, traceId: 'E-O.1' });
		expect(item.pairedItem).toEqual({ item: 2 });
		expect(item).not.toHaveProperty('error');
	});
});

describe('credential test rules', () => {
	test('every documented token error code in an HTTP 200 body fails the Test', () => {
		const rules = new FxiaokeApi().test.rules ?? [];
		const failing = new Set(rules.map((rule) => (rule.type === 'responseSuccessBody' ? rule.properties.value : undefined)));
		for (const code of [10006, 20006, 20015, 20016, 20017, 20021, 20022, 14001, 30004, 30002, 30003, 50009, -1, -2]) {
			expect(failing.has(code)).toBe(true);
		}
		for (const rule of rules) if (rule.type === 'responseSuccessBody') expect(rule.properties.key).toBe('errorCode');
		expect(failing.has(0)).toBe(false);
	});
});

describe('options', () => {
	const node = { id: '1', name: 'Fxiaoke', type: 'fxiaoke', typeVersion: 1, position: [0, 0], parameters: {} };
	/** Just enough of n8n's context for readOptions: the Options collection as an expression gave it. */
	const context = (options: Record<string, unknown>) =>
		({ getNodeParameter: () => options, getNode: () => node }) as unknown as IExecuteFunctions;

	test('defaults, and Concurrency at its bounds (1 and 50) from an expression', () => {
		expect(readOptions(context({}))).toMatchObject({ concurrency: 5, timeout: 30000 });
		expect(readOptions(context({ concurrency: 1 })).concurrency).toBe(1);
		expect(readOptions(context({ concurrency: '50' })).concurrency).toBe(50);
	});

	test.each([
		[51, 'not 51'],
		[1000, 'not 1000'],
		[0, 'not 0'],
		[-3, 'not -3'],
		[Number.NaN, 'not NaN'],
		['many', 'not "many"'],
		[{ n: 5 }, 'not an object'],
	])('Concurrency %p from an expression: a NodeOperationError naming the option', (concurrency, got) => {
		const read = () => readOptions(context({ concurrency }));
		expect(read).toThrow(NodeOperationError);
		expect(read).toThrow(`Option "Concurrency" must be a number from 1 to 50, ${got}`);
	});

	test('the Timeout option is called "Timeout", its unit in the description; its name stays `timeout`', () => {
		const collection = new Fxiaoke().description.properties.find((p) => p.name === 'options');
		const timeout = collection?.options?.find((o) => o.name === 'timeout') as { displayName: string; description: string };
		expect(timeout.displayName).toBe('Timeout');
		expect(timeout.description).toMatch(/milliseconds/);
		expect(() => readOptions(context({ timeout: 0 }))).toThrow('Option "Timeout" must be a number of at least 100, not 0');
		expect(() => readOptions(context({ concurrency: true }))).toThrow('Option "Concurrency" must be a number from 1 to 50, not');
	});
});

describe('UI text in English (n8n verification)', () => {
	const CJK = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;

	test('Cloud Domain option names; the values stay the base URLs stored credentials hold', () => {
		const cloud = new FxiaokeApi().properties.find((p) => p.name === 'cloud');
		const options = (cloud?.options ?? []) as INodePropertyOptions[];
		for (const option of options) expect(option.name).not.toMatch(CJK);
		expect(options.map((o) => o.value)).toEqual([
			'https://open.fxiaoke.com',
			'https://open-hwcloud.fxiaoke.com',
			'https://open-ale.fxiaoke.com',
			'https://open-ksc.sharecrm.com',
			'https://open-hws.fxiaoke.com',
			'https://open-na.sharecrm.com',
			'custom',
		]);
		expect(cloud?.default).toBe('https://open.fxiaoke.com');
	});

	test('node description and subtitle; documentation URLs without a fragment', () => {
		const description = new Fxiaoke().description;
		expect(description.description).not.toMatch(CJK);
		expect(description.subtitle).not.toMatch(CJK);
		expect(new FxiaokeApi().documentationUrl).toBe('https://github.com/n8n-nodes-fxiaoke/n8n-nodes-fxiaoke/blob/main/docs/credentials.md');
		const docs = [...codex.resources.credentialDocumentation, ...codex.resources.primaryDocumentation].map((d) => d.url);
		expect(docs).toEqual([
			'https://github.com/n8n-nodes-fxiaoke/n8n-nodes-fxiaoke/blob/main/docs/credentials.md',
			'https://github.com/n8n-nodes-fxiaoke/n8n-nodes-fxiaoke/blob/main/docs/reference.md',
		]);
		// The Chinese and the other English name help search; generic words like "CRM" would not.
		expect(codex.alias).toEqual(['纷享销客', 'ShareCRM', 'CRM']);
	});
});
