'use strict';

/**
 * Body validation for the message endpoints. Each validator returns null when the body is valid,
 * otherwise a {@link Problem} naming the entry of the codes table to answer with.
 *
 * Where the docs are silent the sandbox is strict on purpose (unknown fields are rejected, blank
 * strings count as missing), so a client that passes here sends exactly the documented shape.
 */

const { CODES, problem } = require('./codes');

/** @typedef {import('./codes').Problem} Problem */

const MAX_RECIPIENTS = 500;
const MAX_ARTICLES = 7;
const ARTICLE_LIMITS = { title: 45, author: 8, description: 140 };
const ARTICLE_KEYS = ['title', 'author', 'description', 'coverImage', 'coverImageInContent', 'type', 'content'];
const MSG_TYPES = ['text', 'composite', 'articles'];
/** Optional top-level booleans every endpoint accepts (API.md §5). */
const PLATFORM_FLAGS = ['convertUserId', 'convertMediaId'];

/** @param {string} detail */
const invalid = (detail) => problem(CODES.INVALID_PARAMETER, detail);

/** Length in Unicode code points, so an emoji counts as one character. */
const codePoints = (s) => [...s].length;
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFilled = (v) => typeof v === 'string' && v.trim() !== '';

/**
 * @param {Record<string, unknown>} obj
 * @param {string[]} allowed
 * @param {string} where
 * @returns {Problem|null}
 */
function rejectUnknownKeys(obj, allowed, where) {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  return extra.length ? invalid(`unknown field(s) in ${where}: ${extra.join(', ')}`) : null;
}

/** @returns {Problem|null} */
function checkPlatformFlags(body) {
  for (const flag of PLATFORM_FLAGS) {
    if (flag in body && typeof body[flag] !== 'boolean') return invalid(`${flag} must be a boolean`);
  }
  return null;
}

/**
 * `POST /cgi/app/message/revoke`: exactly `{serviceId, messageId}` (plus the platform flags).
 * @param {any} body  parsed JSON
 * @returns {Problem|null}
 */
function validateRevoke(body) {
  if (!isObject(body)) return invalid('body must be a JSON object');
  return (
    rejectUnknownKeys(body, ['serviceId', 'messageId', ...PLATFORM_FLAGS], 'body') ||
    checkPlatformFlags(body) ||
    (isFilled(body.serviceId) ? null : invalid('serviceId is required (non-empty string)')) ||
    (isFilled(body.messageId) ? null : invalid('messageId is required (non-empty string)'))
  );
}

/**
 * `POST /cgi/message/send` and (with `requireServiceId`) `POST /cgi/app/message/send`.
 * @param {any} body  parsed JSON
 * @param {{ requireServiceId: boolean, mediaExists: (id: string) => boolean }} ctx
 * @returns {Problem|null}
 */
function validateSend(body, ctx) {
  if (!isObject(body)) return invalid('body must be a JSON object');
  const allowed = ['toUser', 'msgType', 'text', 'composite', 'articles', ...PLATFORM_FLAGS];
  if (ctx.requireServiceId) allowed.push('serviceId');
  return (
    (ctx.requireServiceId && !isFilled(body.serviceId) ? invalid('serviceId is required (non-empty string)') : null) ||
    checkToUser(body.toUser) ||
    checkMsgType(body) ||
    rejectUnknownKeys(body, allowed, 'body') ||
    checkPlatformFlags(body) ||
    CONTENT_CHECKS[body.msgType](body[body.msgType], ctx)
  );
}

/** @returns {Problem|null} */
function checkToUser(toUser) {
  if (toUser === undefined || toUser === null || (Array.isArray(toUser) && toUser.length === 0)) {
    return problem(CODES.MISSING_TO_USER, 'toUser is required');
  }
  if (!Array.isArray(toUser)) return problem(CODES.INVALID_TO_USER, 'toUser must be an array of strings');
  if (toUser.length > MAX_RECIPIENTS) {
    return problem(CODES.INVALID_TO_USER, `toUser has ${toUser.length} entries, max ${MAX_RECIPIENTS}`);
  }
  if (!toUser.every(isFilled)) return problem(CODES.INVALID_TO_USER, 'every toUser entry must be a non-empty string');
  return null;
}

/** Exactly one content object, the one named by msgType. @returns {Problem|null} */
function checkMsgType(body) {
  if (!MSG_TYPES.includes(body.msgType)) {
    return problem(CODES.INVALID_MSG_TYPE, `msgType must be one of ${MSG_TYPES.join(', ')}`);
  }
  const stray = MSG_TYPES.filter((t) => t !== body.msgType && t in body);
  return stray.length ? invalid(`field(s) ${stray.join(', ')} not allowed with msgType ${body.msgType}`) : null;
}

/** @type {Record<string, (content: any, ctx: any) => Problem|null>} */
const CONTENT_CHECKS = {
  text(text) {
    if (text !== undefined && !isObject(text)) return invalid('text must be an object');
    if (!text || !isFilled(text.content)) return problem(CODES.EMPTY_TEXT_CONTENT, 'text.content is required');
    return rejectUnknownKeys(text, ['content'], 'text');
  },

  composite(c) {
    if (!isObject(c)) return invalid('composite is required (object)');
    return (
      rejectUnknownKeys(c, ['head', 'first', 'form', 'remark', 'link'], 'composite') ||
      requireStrings(c.head, 'composite.head', ['title'], []) ||
      optionalObject(c.first, 'composite.first', ['content']) ||
      checkForm(c.form) ||
      optionalObject(c.remark, 'composite.remark', ['content']) ||
      requireStrings(c.link, 'composite.link', ['title', 'url'], [])
    );
  },

  articles(articles, ctx) {
    if (!Array.isArray(articles) || articles.length === 0) return invalid('articles must be a non-empty array');
    if (articles.length > MAX_ARTICLES) return invalid(`articles has ${articles.length} entries, max ${MAX_ARTICLES}`);
    for (let i = 0; i < articles.length; i++) {
      const found = checkArticle(articles[i], `articles[${i}]`, ctx);
      if (found) return found;
    }
    return null;
  },
};

/**
 * Object whose `required` keys are non-empty strings and `optional` keys, if present, strings.
 * @returns {Problem|null}
 */
function requireStrings(obj, where, required, optional) {
  if (!isObject(obj)) return invalid(`${where} is required (object)`);
  const unknown = rejectUnknownKeys(obj, [...required, ...optional], where);
  if (unknown) return unknown;
  for (const key of required) if (!isFilled(obj[key])) return invalid(`${where}.${key} is required`);
  for (const key of optional) {
    if (key in obj && typeof obj[key] !== 'string') return invalid(`${where}.${key} must be a string`);
  }
  return null;
}

/** @returns {Problem|null} */
function optionalObject(obj, where, keys) {
  return obj === undefined ? null : requireStrings(obj, where, [], keys);
}

/** @returns {Problem|null} */
function checkForm(form) {
  if (form === undefined) return null;
  if (!Array.isArray(form)) return invalid('composite.form must be an array');
  for (let i = 0; i < form.length; i++) {
    const found = requireStrings(form[i], `composite.form[${i}]`, [], ['label', 'value']);
    if (found) return found;
  }
  return null;
}

/** @returns {Problem|null} */
function checkArticle(a, where, ctx) {
  if (!isObject(a)) return invalid(`${where} must be an object`);
  const unknown = rejectUnknownKeys(a, ARTICLE_KEYS, where);
  if (unknown) return unknown;
  for (const key of ['title', 'coverImage', 'content']) {
    if (!isFilled(a[key])) return invalid(`${where}.${key} is required`);
  }
  for (const key of ['author', 'description']) {
    if (key in a && typeof a[key] !== 'string') return invalid(`${where}.${key} must be a string`);
  }
  for (const [key, max] of Object.entries(ARTICLE_LIMITS)) {
    if (typeof a[key] === 'string' && codePoints(a[key]) > max) {
      return invalid(`${where}.${key} has ${codePoints(a[key])} characters, max ${max}`);
    }
  }
  if (a.type !== 'TEXT' && a.type !== 'URL') return invalid(`${where}.type must be TEXT or URL`);
  if ('coverImageInContent' in a && typeof a.coverImageInContent !== 'boolean') {
    return invalid(`${where}.coverImageInContent must be a boolean`);
  }
  if (!ctx.mediaExists(a.coverImage)) return problem(CODES.MEDIA_NOT_FOUND, `${where}.coverImage is not a known mediaId`);
  return null;
}

module.exports = { validateRevoke, validateSend, MAX_RECIPIENTS, MAX_ARTICLES };
