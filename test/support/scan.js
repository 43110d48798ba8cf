'use strict';
/**
 * Secret scanning for the secrets tests (test/secrets.integration.test.js, test/e2e/secrets.e2e.test.js).
 *
 * A Scanner holds the values that must never show up (appSecret, permanentCode, every accessToken
 * the sandbox issued) and collects "haystacks": output items, thrown errors (message, description,
 * context, JSON of the error, its cause chain, util.inspect of all of it), log text, files.
 * `hits()` lists every place a secret was found, with a little context around it so a failure says
 * where the leak is. Each secret is looked for as is, URL-encoded and base64-encoded.
 */
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

/** @typedef {{ name: string, value: string }} Secret */
/** @typedef {{ secret: string, form: string, where: string, context: string }} Hit */

/** The forms a value may leak in. @param {string} value */
function formsOf(value) {
	const forms = [['raw', value]];
	const encoded = encodeURIComponent(value);
	if (encoded !== value) forms.push(['url-encoded', encoded]);
	forms.push(['base64', Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '')]);
	return forms;
}

/** JSON that survives cycles and shows Error fields. @param {unknown} value */
function safeJson(value) {
	const seen = new WeakSet();
	try {
		return JSON.stringify(value, (_key, v) => {
			if (typeof v === 'bigint') return String(v);
			if (v && typeof v === 'object') {
				if (seen.has(v)) return '[circular]';
				seen.add(v);
				if (v instanceof Error) {
					const plain = { name: v.name, message: v.message, stack: v.stack };
					for (const key of Object.getOwnPropertyNames(v)) plain[key] = /** @type {any} */ (v)[key];
					return plain;
				}
			}
			return v;
		});
	} catch (error) {
		return `[not serialisable: ${error}]`;
	}
}

/**
 * Every text a thrown error exposes: message, description, context, JSON of the error (n8n stores
 * errors that way), the cause chain, and util.inspect (which also shows non-enumerable fields).
 * @param {unknown} error
 * @returns {Array<[string, string]>} [label, text]
 */
function errorTexts(error) {
	/** @type {Array<[string, string]>} */
	const texts = [];
	let current = error;
	for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
		const label = depth === 0 ? 'error' : `error.cause^${depth}`;
		if (typeof current !== 'object') {
			texts.push([label, String(current)]);
			break;
		}
		const e = /** @type {any} */ (current);
		for (const key of ['message', 'description', 'stack', 'httpCode']) {
			if (typeof e[key] === 'string') texts.push([`${label}.${key}`, e[key]]);
		}
		for (const key of ['context', 'errorResponse', 'messages', 'functionality', 'extra', 'tags', 'node']) {
			if (e[key] !== undefined) texts.push([`${label}.${key}`, safeJson(e[key])]);
		}
		texts.push([`${label} (JSON)`, safeJson(e)]);
		if (typeof e.toJSON === 'function') {
			try {
				texts.push([`${label}.toJSON()`, safeJson(e.toJSON())]);
			} catch {
				/* some toJSON need arguments */
			}
		}
		texts.push([`${label} (inspect)`, util.inspect(e, { depth: 12, showHidden: true, maxStringLength: Infinity, maxArrayLength: Infinity })]);
		current = e.cause;
	}
	return texts;
}

class Scanner {
	/** @param {Secret[]} [secrets] */
	constructor(secrets = []) {
		/** @type {Secret[]} */
		this.secrets = [];
		/** @type {Hit[]} */
		this.found = [];
		/** how many texts / characters were scanned, so a test can show it scanned something */
		this.scanned = { texts: 0, chars: 0 };
		for (const s of secrets) this.addSecret(s.name, s.value);
	}

	/** @param {string} name @param {unknown} value */
	addSecret(name, value) {
		if (typeof value !== 'string' || value.length < 8) return; // too short to be a real secret
		if (this.secrets.some((s) => s.value === value)) return;
		this.secrets.push({ name, value });
	}

	/** @param {string} where @param {unknown} text */
	text(where, text) {
		const haystack = typeof text === 'string' ? text : safeJson(text);
		this.scanned.texts++;
		this.scanned.chars += haystack.length;
		for (const { name, value } of this.secrets) {
			for (const [form, needle] of formsOf(value)) {
				let at = haystack.indexOf(needle);
				while (at !== -1) {
					const from = Math.max(0, at - 80);
					const context = haystack.slice(from, at + needle.length + 80).replace(needle, `«${name}»`);
					this.found.push({ secret: name, form, where, context });
					at = haystack.indexOf(needle, at + needle.length);
				}
			}
		}
	}

	/** Any value: strings as they are, anything else as JSON and util.inspect. @param {string} where @param {unknown} value */
	value(where, value) {
		if (typeof value === 'string') return this.text(where, value);
		this.text(`${where} (JSON)`, safeJson(value));
		this.text(`${where} (inspect)`, util.inspect(value, { depth: 12, showHidden: true, maxStringLength: Infinity, maxArrayLength: Infinity }));
	}

	/** @param {string} where @param {unknown} error */
	error(where, error) {
		for (const [label, text] of errorTexts(error)) this.text(`${where}: ${label}`, text);
	}

	/**
	 * A file's bytes, as UTF-8 text and as latin1 (so binary files such as sqlite pages are searched too).
	 * @param {string} file
	 */
	file(file) {
		const data = fs.readFileSync(file);
		this.text(`file ${file}`, data.toString('utf8'));
		this.text(`file ${file} (latin1)`, data.toString('latin1'));
	}

	/**
	 * Every file under `dir`, except folders named in `skip` (relative paths, e.g. '.n8n/custom/node_modules').
	 * @param {string} dir @param {string[]} [skip]
	 * @returns {string[]} the files scanned
	 */
	tree(dir, skip = []) {
		/** @type {string[]} */
		const files = [];
		const walk = (/** @type {string} */ current) => {
			for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
				const full = path.join(current, entry.name);
				const rel = path.relative(dir, full);
				if (skip.some((s) => rel === s || rel.startsWith(`${s}${path.sep}`))) continue;
				if (entry.isDirectory()) walk(full);
				else if (entry.isFile()) files.push(full);
			}
		};
		walk(dir);
		for (const f of files) this.file(f);
		return files;
	}

	/** @returns {Hit[]} */
	hits() {
		return this.found;
	}

	/** A readable list of the hits, for expect(...).toEqual([]). */
	report() {
		return this.found.map((h) => `${h.secret} (${h.form}) in ${h.where}: …${h.context}…`);
	}
}

/**
 * Every accessToken the sandbox ever issues, including ones it later forgot (`expireTokens()`,
 * the tokenExpired fault and `reset()` clear `sandbox.tokens`) and ones whose reply was cut off.
 * Hooks the sandbox's `onRecord` option (keeping any hook already set).
 * @param {any} sandbox
 * @returns {Set<string>}
 */
function trackIssuedTokens(sandbox) {
	/** @type {Set<string>} */
	const issued = new Set();
	const previous = sandbox.options.onRecord;
	const collect = () => {
		for (const token of sandbox.tokens.keys()) issued.add(token);
	};
	sandbox.configure({
		onRecord: (/** @type {any} */ record) => {
			if (record.endpoint === 'token') collect();
			const body = record.response && record.response.body;
			if (body && typeof body === 'object' && typeof body.accessToken === 'string') issued.add(body.accessToken);
			if (previous) previous(record);
		},
	});
	return issued;
}

module.exports = { Scanner, errorTexts, safeJson, formsOf, trackIssuedTokens };
