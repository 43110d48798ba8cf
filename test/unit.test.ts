import { normalizeBaseUrl, baseUrlOf, InvalidBaseUrl } from '../nodes/Fxiaoke/transport/baseUrl';
import { parseEnvelope } from '../nodes/Fxiaoke/transport/response';
import { toTransportFailure } from '../nodes/Fxiaoke/transport/network';
import { FxiaokeTransportFailure } from '../nodes/Fxiaoke/transport/errors';
import { isRetryable } from '../nodes/Fxiaoke/transport/retry';
import { authenticateRequest } from '../nodes/Fxiaoke/transport/authenticate';
import { isTokenFresh, tokenFingerprint, REFRESH_MARGIN_MS } from '../nodes/Fxiaoke/transport/tokenFields';
import { Fxiaoke } from '../nodes/Fxiaoke/Fxiaoke.node';
import { FxiaokeApi } from '../credentials/FxiaokeApi.credentials';

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
	test('the margin leaves room for Fxiaoke handing back the same token for 6600 s', () => {
		expect(REFRESH_MARGIN_MS).toBeLessThan((7200 - 6600) * 1000);
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

	test('Fxiaoke fields at the top level, paired to the item, and the error itself for n8n\'s error output', () => {
		const item = errorItem(error, 2);
		expect(item.json).toMatchObject({ error: 'Fxiaoke error 90001: not found', errorCode: 90001, traceId: 'E-O.1' });
		expect(item.json).not.toHaveProperty('details');
		expect(item.pairedItem).toEqual({ item: 2 });
		expect(item.error).toBe(error);
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
