import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/*
 * Fxiaoke's signed, AES-encrypted event callback (API.md §14.3). Known only from Fxiaoke's own 2020
 * demo and a blog, not from the manual: experimental. The key is the Base64 text the admin console
 * shows; it decodes to the AES key, whose first 16 bytes are the IV (AES-CBC, PKCS#5 padding). The
 * signature is the hex SHA-1 of timestamp + nonce + messageId + [retryTimes] + enterpriseAccount +
 * encryptedContent + the key's Base64 text.
 */

/** A callback as Fxiaoke posts it. */
export interface CallbackBody {
	signature: string;
	timestamp: number;
	nonce: string;
	messageId: string;
	/** Absent on the first attempt. */
	retryTimes?: number;
	enterpriseAccount: string;
	encryptedContent: string;
}

export type CallbackCheck =
	| { ok: true; body: CallbackBody; event: IDataObject }
	| { ok: false; status: 400 | 401; reason: string };

/** The AES key the Base64 text stands for (16, 24 or 32 bytes), or an error saying what is wrong. */
export function aesKeyOf(aesKey: string): Buffer {
	const text = aesKey.trim();
	const key = Buffer.from(text, 'base64');
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || ![16, 24, 32].includes(key.length)) {
		throw new Error('The AES key must be the Base64 text of a 16, 24 or 32-byte key (Fxiaoke shows 44 characters ending in "=")');
	}
	return key;
}

const cipherOf = (key: Buffer) => `aes-${key.length * 8}-cbc`;

/** Hex SHA-1 of the parts joined as they are (an absent part is left out). */
export function signatureOf(parts: Array<string | number | undefined>): string {
	return createHash('sha1')
		.update(parts.filter((p) => p !== undefined).join(''), 'utf8')
		.digest('hex');
}

export function encrypt(text: string, aesKey: string): string {
	const key = aesKeyOf(aesKey);
	const cipher = createCipheriv(cipherOf(key), key, key.subarray(0, 16));
	return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

export function decrypt(encrypted: string, aesKey: string): string {
	const key = aesKeyOf(aesKey);
	const decipher = createDecipheriv(cipherOf(key), key, key.subarray(0, 16));
	return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]).toString('utf8');
}

/** Constant-time comparison of two texts (different lengths differ). */
export function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a, 'utf8');
	const y = Buffer.from(b, 'utf8');
	return x.length === y.length && timingSafeEqual(x, y);
}

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Checks a callback: its shape (400), its signature and its age against `now` (401: a callback
 * older or newer than `windowMs` may be a replay), then decrypts its content (400 if it is not a
 * JSON object). Nothing here logs or returns the key or the content of a rejected callback.
 */
export function checkCallback(raw: unknown, aesKey: string, now: number, windowMs: number): CallbackCheck {
	const body = (raw ?? {}) as Partial<Record<keyof CallbackBody, unknown>>;
	const shaped =
		typeof raw === 'object' &&
		raw !== null &&
		text(body.signature) &&
		typeof body.timestamp === 'number' &&
		Number.isFinite(body.timestamp) &&
		text(body.nonce) &&
		text(body.messageId) &&
		text(body.enterpriseAccount) &&
		text(body.encryptedContent) &&
		(body.retryTimes === undefined || body.retryTimes === null || Number.isInteger(body.retryTimes));
	if (!shaped) return { ok: false, status: 400, reason: 'not an event callback (signature, timestamp, nonce, messageId, enterpriseAccount, encryptedContent)' };
	const callback = raw as CallbackBody;
	const retryTimes = callback.retryTimes ?? undefined;
	const expected = signatureOf([callback.timestamp, callback.nonce, callback.messageId, retryTimes, callback.enterpriseAccount, callback.encryptedContent, aesKey.trim()]);
	if (!sameText(callback.signature.toLowerCase(), expected)) return { ok: false, status: 401, reason: 'the signature does not match' };
	if (Math.abs(now - callback.timestamp) > windowMs) return { ok: false, status: 401, reason: 'the timestamp is outside the replay window' };
	let event: unknown;
	try {
		event = JSON.parse(decrypt(callback.encryptedContent, aesKey));
	} catch {
		return { ok: false, status: 400, reason: 'the content does not decrypt to JSON' };
	}
	if (event === null || typeof event !== 'object' || Array.isArray(event)) return { ok: false, status: 400, reason: 'the content is not a JSON object' };
	return { ok: true, body: callback, event: event as IDataObject };
}

/** The answer Fxiaoke's demo gives: `text` ("success") encrypted, signed with a fresh timestamp and nonce. */
export function callbackReply(aesKey: string, answer: string, now: number, nonce: string): IDataObject {
	const encryptedResult = encrypt(answer, aesKey);
	return { timestamp: now, nonce, encryptedResult, signature: signatureOf([now, nonce, encryptedResult, aesKey.trim()]) };
}
