'use strict';
/**
 * APL controller functions called through the OpenAPI (API.md §17): `POST /cgi/crm/v2/special/function`
 * `{data: {api_name, postId, parameters: [{name, type, value}]}}`. A few functions:
 *
 *   func_echo__c   returns its parameters as a map {name: value}
 *   func_fail__c   fails as a function that throws does (a sandbox code, §17 documents none)
 *
 * Sandbox choices where §17 is silent: the return value is the answer's `data`; a postId already
 * seen is not run again, and its first answer is given again (`runs` counts real runs); api_name,
 * postId and parameters are required; an unknown function gives 320003404.
 */
const { CODES, problem } = require('./codes');

const bad = (/** @type {string} */ detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });

const FUNCTIONS = {
  /** @param {Array<{name: string, value: unknown}>} parameters */
  func_echo__c: (parameters) => ({ extra: { data: Object.fromEntries(parameters.map((p) => [p.name, p.value])) } }),
  func_fail__c: () => ({ problem: problem(CODES.FUNCTION_FAILED, 'the function threw: discount above the limit') }),
};

class Functions {
  constructor() {
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
    const fn = FUNCTIONS[/** @type {keyof typeof FUNCTIONS} */ (apiName)];
    if (!fn) return { problem: problem(CODES.FUNCTION_NOT_FOUND, apiName) };
    this.runs.set(apiName, (this.runs.get(apiName) ?? 0) + 1);
    const result = { ...fn(parameters), applied: true };
    this.byPostId.set(postId, result);
    return result;
  }
}

module.exports = { Functions, FUNCTIONS };
