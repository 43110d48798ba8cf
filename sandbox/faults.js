'use strict';

/**
 * Fault catalogue and the plan deciding which request gets which fault.
 *
 * stage 'before': the fault replaces processing (nothing applied).
 * stage 'after':  the request is processed normally (state may change), then the reply is spoiled.
 *                 `http502AfterApply` / `http504AfterApply`: a gateway answered 502 / 504 (no JSON
 *                 body) although the backend applied the call, so a client retry is a duplicate.
 */

/**
 * @typedef {object} FaultDef
 * @property {'before'|'after'} stage
 * @property {string} [code]        key in CODES for HTTP 200 envelope faults
 * @property {number} [status]      HTTP status for non-envelope faults
 * @property {boolean} [expireTokens]
 */

/** @type {Record<string, FaultDef>} */
const FAULTS = Object.freeze({
  tokenExpired: { stage: 'before', code: 'TOKEN_INVALID', expireTokens: true },
  error20016: { stage: 'before', code: 'TOKEN_INVALID' },
  rateLimit14001: { stage: 'before', code: 'RATE_LIMITED' },
  rateLimit30004: { stage: 'before', code: 'RATE_LIMITED_PER_SECOND' },
  busy: { stage: 'before', code: 'SYSTEM_BUSY' },
  serviceTimeout50009: { stage: 'before', code: 'SERVICE_TIMEOUT' },
  quotaDaily30002: { stage: 'before', code: 'QUOTA_DAILY' },
  quotaNone30003: { stage: 'before', code: 'QUOTA_NONE' },
  http500: { stage: 'before', status: 500 },
  http502: { stage: 'before', status: 502 },
  http503: { stage: 'before', status: 503 },
  http429: { stage: 'before', status: 429 },
  resetBeforeReply: { stage: 'before' },
  nonJson: { stage: 'before', status: 200 },
  redirectHtml: { stage: 'before', status: 302 },
  resetAfterApply: { stage: 'after' },
  slowReply: { stage: 'after' },
  truncatedJson: { stage: 'after' },
  http502AfterApply: { stage: 'after', status: 502 },
  http504AfterApply: { stage: 'after', status: 504 },
});

const FAULT_NAMES = Object.freeze(Object.keys(FAULTS));
const BUSINESS_ENDPOINTS = Object.freeze(['revoke', 'send', 'appSend', 'upload']);
/** CRM calls (sandbox/crm.js): faults reach them only when named. */
const CRM_ACTIONS = ['create', 'get', 'query', 'update', 'invalid', 'delete', 'changeOwner', 'recover'];
const CRM_ENDPOINTS = ['crm.list', 'crm.describe', 'crm.lock', 'crm.unlock', 'crm.teamAdd', 'crm.teamEdit', 'crm.teamDelete', 'function.call', ...CRM_ACTIONS.map((a) => `crm.${a}`), ...CRM_ACTIONS.map((a) => `crm.custom.${a}`)];
/** Stage pusher, pools and files (sandbox/stages.js, pools.js, files.js); `fs.upload` is the file service's upload (its own envelope). */
const RECORD_ACTION_ENDPOINTS = ['crm.stageInstance', 'crm.stageTrigger', 'crm.stageMove', 'crm.return', 'crm.choose', 'file.credential', 'file.downloadUrl', 'fs.upload'];
/** Address-book calls (sandbox/directory.js): faults reach them only when named too. */
const DIRECTORY_ENDPOINTS = Object.freeze(['user.simpleList', 'user.list', 'user.getByMobile', 'user.get', 'department.list']);
/** Approval calls (sandbox/approval.js): faults reach them only when named too. */
const APPROVAL_ENDPOINTS = Object.freeze(['approval.instances', 'approval.recordInstances', 'approval.get', 'approval.task', 'approval.cancel', 'approval.rejectBack']);
const ALL_ENDPOINTS = Object.freeze(['token', ...BUSINESS_ENDPOINTS, ...CRM_ENDPOINTS, ...RECORD_ACTION_ENDPOINTS, ...DIRECTORY_ENDPOINTS, ...APPROVAL_ENDPOINTS]);
const DEFAULT_SLOW_MS = 30000;

/** Small deterministic PRNG (mulberry32) so a seeded fault run is repeatable. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertKind(kind) {
  if (!FAULTS[kind]) throw new TypeError(`unknown fault "${kind}"; known: ${FAULT_NAMES.join(', ')}`);
}

function assertEndpoints(endpoints) {
  for (const e of endpoints) {
    if (!ALL_ENDPOINTS.includes(e)) throw new TypeError(`unknown endpoint "${e}"; known: ${ALL_ENDPOINTS.join(', ')}`);
  }
}

/**
 * @typedef {object} FaultSpec
 * @property {number} rate           probability 0..1 per eligible request
 * @property {string[]} kinds        fault names to choose from (uniformly)
 * @property {number} [seed]         PRNG seed (default 1)
 * @property {string[]} [endpoints]  eligible endpoints; default: every business endpoint (never 'token')
 * @property {number} [slowMs]       delay for slowReply (default 30000)
 *
 * @typedef {{ kind: string, slowMs: number }} PickedFault
 */

class FaultPlan {
  constructor() {
    this.clear();
  }

  clear() {
    /** @type {null | { rate: number, kinds: string[], endpoints: readonly string[], slowMs: number, random: () => number }} */
    this.random = null;
    /** @type {{ kind: string, remaining: number, endpoint: string|undefined, slowMs: number }[]} */
    this.queue = [];
  }

  /** @param {FaultSpec} spec */
  setRandom(spec) {
    const { rate, kinds, seed = 1, endpoints = BUSINESS_ENDPOINTS, slowMs = DEFAULT_SLOW_MS } = spec || {};
    if (typeof rate !== 'number' || rate < 0 || rate > 1) throw new TypeError('injectFaults: rate must be 0..1');
    if (!Array.isArray(kinds) || kinds.length === 0) throw new TypeError('injectFaults: kinds must be a non-empty array');
    kinds.forEach(assertKind);
    assertEndpoints(endpoints);
    this.random = { rate, kinds: [...kinds], endpoints: [...endpoints], slowMs, random: mulberry32(seed) };
  }

  /**
   * Force the next `count` eligible requests to fail with `kind`. Without `endpoint`, any business
   * endpoint is eligible; the token endpoint only when named explicitly.
   */
  queueNext(kind, count = 1, endpoint = undefined, slowMs = DEFAULT_SLOW_MS) {
    assertKind(kind);
    if (endpoint !== undefined) assertEndpoints([endpoint]);
    if (!Number.isInteger(count) || count < 1) throw new TypeError('injectNext: count must be a positive integer');
    this.queue.push({ kind, remaining: count, endpoint, slowMs });
  }

  /**
   * Decide the fault for one request (consumes a queued fault or a PRNG draw).
   * @param {string} endpoint
   * @returns {PickedFault|null}
   */
  pick(endpoint) {
    const queued = this.queue.find((q) =>
      q.endpoint === undefined ? BUSINESS_ENDPOINTS.includes(endpoint) : q.endpoint === endpoint,
    );
    if (queued) {
      queued.remaining -= 1;
      if (queued.remaining === 0) this.queue.splice(this.queue.indexOf(queued), 1);
      return { kind: queued.kind, slowMs: queued.slowMs };
    }
    const r = this.random;
    if (!r || !r.endpoints.includes(endpoint)) return null;
    if (r.random() >= r.rate) return null;
    return { kind: r.kinds[Math.floor(r.random() * r.kinds.length)], slowMs: r.slowMs };
  }
}

module.exports = { FAULTS, FAULT_NAMES, BUSINESS_ENDPOINTS, DIRECTORY_ENDPOINTS, ALL_ENDPOINTS, FaultPlan, mulberry32 };
