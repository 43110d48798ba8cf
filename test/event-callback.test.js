// Fxiaoke's event callback (API.md §14.3): signature, replay window and decryption, with the test
// vector of Fxiaoke's own demo (fsxiaoke/open-fxiaoke-demo, EventCallbackControllerTest).
const { aesKeyOf, callbackReply, checkCallback, decrypt, encrypt, signatureOf } = require('../nodes/FxiaokeWebhookTrigger/eventCallback');

const KEY = 'O0YjM0EDOygzNykzMzUjLwUTN3MjL5ADN1QjM5gTM0A=';
const VECTOR = {
	encryptedContent:
		'tRPD30ygQKxFurdWxHQKpRypuXNbRcW/knsKZBCPJv9bsKnQJlUr26USpOgJqhVUm5Q2NiVG1IBrCr0dbrsreRZY6Z5/fbw75IlGQ2d7PkMWtVTAE0RG62j7HJQWAwm+XdmQC4y1AbjHzatjjrXiCKcId112DHZSqB0qznivDStywTjscnNWhaR7xbnSbmKQWsF5YlPUEudZ+P07Ol/cd6F8IXOo+nEu7UH21hRSgKI=',
	enterpriseAccount: 'gxcxkj',
	timestamp: 1604644770244,
	messageId: 'AC11291700002A9F00000608C038697A0',
	nonce: 'mi3wrpKNnq4YdIZC',
	retryTimes: 1,
	signature: '4d7c6742d8efed705054fe895ee487df738c8c50',
};
const MINUTE = 60_000;

test("the demo's callback: its signature verifies, its content decrypts to the event", () => {
	const check = checkCallback(VECTOR, KEY, VECTOR.timestamp + 1000, 5 * MINUTE);
	expect(check).toEqual({
		ok: true,
		body: VECTOR,
		event: { tenantId: 691413, eventType: 'update', apiName: 'AccountObj', dataId: '5f9cd4e6e4400e0001217faa', timestamp: 1604644208525, messageId: VECTOR.messageId },
	});
});

test('a changed field, another key, a first attempt signed as a retry: 401; a stale or future timestamp: 401', () => {
	const now = VECTOR.timestamp;
	expect(checkCallback({ ...VECTOR, enterpriseAccount: 'other' }, KEY, now, MINUTE)).toMatchObject({ ok: false, status: 401, reason: 'the signature does not match' });
	expect(checkCallback({ ...VECTOR, retryTimes: undefined }, KEY, now, MINUTE)).toMatchObject({ ok: false, status: 401 });
	const otherKey = Buffer.alloc(32, 7).toString('base64');
	expect(checkCallback(VECTOR, otherKey, now, MINUTE)).toMatchObject({ ok: false, status: 401 });
	expect(checkCallback(VECTOR, KEY, now + MINUTE + 1, MINUTE)).toMatchObject({ ok: false, status: 401, reason: 'the timestamp is outside the replay window' });
	expect(checkCallback(VECTOR, KEY, now - MINUTE - 1, MINUTE)).toMatchObject({ ok: false, status: 401 });
	expect(checkCallback(VECTOR, KEY, now + MINUTE, MINUTE)).toMatchObject({ ok: true });
});

test('what is not a callback: 400, before any signature is computed', () => {
	for (const body of [null, 'text', [], {}, { ...VECTOR, timestamp: '1604644770244' }, { ...VECTOR, nonce: '' }, { ...VECTOR, retryTimes: 1.5 }]) {
		expect(checkCallback(body, KEY, VECTOR.timestamp, MINUTE)).toMatchObject({ ok: false, status: 400 });
	}
});

test('a signed callback whose content is not JSON, or not an object: 400', () => {
	const signed = (encryptedContent) => {
		const body = { ...VECTOR, retryTimes: undefined, encryptedContent };
		return { ...body, signature: signatureOf([body.timestamp, body.nonce, body.messageId, body.enterpriseAccount, encryptedContent, KEY]) };
	};
	expect(checkCallback(signed(encrypt('not json', KEY)), KEY, VECTOR.timestamp, MINUTE)).toMatchObject({ ok: false, status: 400, reason: 'the content does not decrypt to JSON' });
	expect(checkCallback(signed(encrypt('[1]', KEY)), KEY, VECTOR.timestamp, MINUTE)).toMatchObject({ ok: false, status: 400, reason: 'the content is not a JSON object' });
	expect(checkCallback(signed('AAAA'), KEY, VECTOR.timestamp, MINUTE)).toMatchObject({ ok: false, status: 400 });
	expect(checkCallback(signed(encrypt('{"eventType":"add"}', KEY)), KEY, VECTOR.timestamp, MINUTE)).toMatchObject({ ok: true, event: { eventType: 'add' } });
});

test("the reply: \"success\" encrypted with the key, signed as the demo signs it", () => {
	const reply = callbackReply(KEY, 'success', 1700000000000, '123456');
	expect(decrypt(reply.encryptedResult, KEY)).toBe('success');
	expect(reply).toEqual({ timestamp: 1700000000000, nonce: '123456', encryptedResult: reply.encryptedResult, signature: signatureOf(['1700000000000', '123456', reply.encryptedResult, KEY]) });
});

test('a key that is not the Base64 of 16, 24 or 32 bytes is refused, saying what it must be', () => {
	expect(aesKeyOf(KEY)).toHaveLength(32);
	expect(aesKeyOf(Buffer.alloc(16, 1).toString('base64'))).toHaveLength(16);
	for (const bad of ['', 'short', Buffer.alloc(20).toString('base64'), `${KEY.slice(0, -1)}!`]) {
		expect(() => aesKeyOf(bad)).toThrow('The AES key must be the Base64 text of a 16, 24 or 32-byte key');
	}
});
