'use strict';
/**
 * APL controller functions called through the OpenAPI (API.md §17): `POST /cgi/crm/v2/special/function`
 * `{data: {api_name, postId, parameters: [{name, type, value}]}}`. A few functions:
 *
 *   func_echo__c   returns its parameters as a map {name: value}
 *   func_fail__c   fails as a function that throws does (a sandbox code, §17 documents none)
 *   func_slow__c   waits its parameter `ms` (default 2000, at most 10000) and returns {waitedMs}
 *
 * Sandbox choices where §17 is silent: the return value is the answer's `data`; a postId already
 * seen is not run again, and its first answer is given again (`runs` counts real runs); api_name,
 * postId and parameters are required; an unknown function gives 320003404. A slow function answers
 * with a promise (the same promise to a repeat of its postId, also while it runs).
 */
const { CODES, problem } = require('./codes');

const bad = (/** @type {string} */ detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });

/** @typedef {{ extra: Record<string, any> } | { problem: import('./codes').Problem }} FunctionResult */
/** @typedef {{ wait: (ms: number) => Promise<void> }} FunctionEnv */

const SLOW_DEFAULT_MS = 2000;
const SLOW_MAX_MS = 10000;

/** @type {Record<string, (parameters: Array<{name: string, value: unknown}>, env: FunctionEnv) => FunctionResult | Promise<FunctionResult>>} */
const FUNCTIONS = {
  func_echo__c: (parameters) => ({ extra: { data: Object.fromEntries(parameters.map((p) => [p.name, p.value])) } }),
  func_fail__c: () => ({ problem: problem(CODES.FUNCTION_FAILED, 'the function threw: discount above the limit') }),
  // `ms` as a number or a string of digits; above the limit refused, not cut (a sandbox choice)
  func_slow__c: (parameters, env) => {
    const given = parameters.find((p) => p.name === 'ms');
    const raw = given === undefined ? SLOW_DEFAULT_MS : given.value;
    const ms = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (!Number.isInteger(ms) || /** @type {number} */ (ms) < 0 || /** @type {number} */ (ms) > SLOW_MAX_MS) {
      return bad(`parameter ms must be an integer from 0 to ${SLOW_MAX_MS}, got ${JSON.stringify(raw)}`);
    }
    return env.wait(/** @type {number} */ (ms)).then(() => ({ extra: { data: { waitedMs: ms } } }));
  },
};

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Functions {
  /** @param {FunctionEnv} [env] how a function waits (the sandbox's wait, which close() cuts short) */
  constructor(env = { wait: sleep }) {
    this.env = env;
    /** postId → the first answer */
    this.byPostId = new Map();
    /** api_name → real runs */
    this.runs = new Map();
  }

  /** @param {any} body */
  call(body) {
    const data = body && typeof body.data === 'object' && body.data !== null ? body.data : null;
    if (!data) return bad('data is required');
    const { api_name: apiName, postId, parameters } = data;
    if (typeof apiName !== 'string' || apiName === '') return bad('data.api_name is required');
    if (typeof postId !== 'string' || postId === '') return bad('data.postId is required');
    if (!Array.isArray(parameters) || parameters.some((p) => !p || typeof p.name !== 'string')) return bad('data.parameters must be a list of {name, type, value}');
    if (this.byPostId.has(postId)) return this.byPostId.get(postId);
    const fn = FUNCTIONS[apiName];
    if (!fn) return { problem: problem(CODES.FUNCTION_NOT_FOUND, apiName) };
    this.runs.set(apiName, (this.runs.get(apiName) ?? 0) + 1);
    const out = fn(parameters, this.env);
    const result = out instanceof Promise ? out.then((r) => ({ ...r, applied: true })) : { ...out, applied: true };
    this.byPostId.set(postId, result);
    return result;
  }
}

module.exports = { Functions, FUNCTIONS };
