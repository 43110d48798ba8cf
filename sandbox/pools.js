'use strict';

/**
 * Pools (公海 for accounts, 线索池 for leads; API.md §12, §16): return records to a pool and claim
 * them from it.
 *
 *   /cgi/crm/v2/data/return  {data:{apiName, objectIds, objectPoolId, backReason, backReason__o?}} → envelope
 *   /cgi/crm/v2/data/choose  {data:{apiName, objectIds}} → envelope
 *
 * The pools are read-only CRM objects (HighSeasObj, LeadsPoolObj) seeded with fixed ids
 * (POOL_FIXTURES). A record is "in a pool" when its pool field is set and it has no owner. Sandbox
 * choices: a return empties the owner and sets the pool field; a claim makes the acting employee
 * (x-fs-userid) the owner and keeps the pool field (the pool the record came from); both are writes
 * (last_modified_time, version) and neither is idempotent; every record is checked before any
 * changes; locked records refuse as updates do.
 */

const { CODES, problem } = require('./codes');

/** Which pool object and field each object uses. */
const POOLED = {
  AccountObj: { poolObject: 'HighSeasObj', field: 'high_seas_id' },
  LeadsObj: { poolObject: 'LeadsPoolObj', field: 'leads_pool_id' },
};

/** The seeded pools (fixed ids; use these, do not copy ids). */
const POOL_FIXTURES = Object.freeze({
  eastChina: Object.freeze({ apiName: 'HighSeasObj', _id: '5e0000000000000000000001', name: 'East China Pool' }),
  defaultAccounts: Object.freeze({ apiName: 'HighSeasObj', _id: '5e0000000000000000000002', name: 'Default Account Pool' }),
  webLeads: Object.freeze({ apiName: 'LeadsPoolObj', _id: '5f0000000000000000000001', name: 'Web Leads Pool' }),
});

const BACK_REASONS = ['0', '1', '2', 'other'];
const bad = (/** @type {string} */ detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });

class PoolStore {
  /** @param {import('./crm').CrmStore} crm */
  constructor(crm) {
    this.crm = crm;
  }

  /**
   * @param {'return'|'choose'} action @param {any} data @param {string} userId the acting employee (x-fs-userid)
   * @returns {{ problem: import('./codes').Problem } | { extra: Record<string, any>, applied: boolean }}
   */
  handle(action, data, userId) {
    const allowed = action === 'return' ? ['apiName', 'objectIds', 'objectPoolId', 'backReason', 'backReason__o'] : ['apiName', 'objectIds'];
    const extra = Object.keys(data).filter((k) => !allowed.includes(k));
    if (extra.length > 0) return bad(`unknown field(s) in data: ${extra.join(', ')}`);
    const pooled = POOLED[/** @type {keyof typeof POOLED} */ (data.apiName)];
    if (!pooled) return bad(`data.apiName must be ${Object.keys(POOLED).join(' or ')}`);
    const ids = data.objectIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string' || id === '')) return bad('data.objectIds must be a non-empty list of record ids');
    if (new Set(ids).size !== ids.length) return bad('data.objectIds lists a record twice');
    const object = this.crm.objects.get(data.apiName);
    const records = [];
    for (const id of ids) {
      const record = object.records.get(id);
      if (!record) return { problem: problem(CODES.RECORD_NOT_FOUND, `no record ${JSON.stringify(id)}`) };
      if (record.life_status === 'invalid') return bad(`record ${id} is in the recycle bin`);
      if (record.lock_status === '1') return { problem: problem(CODES.RECORD_LOCKED, `${data.apiName} ${id}`) };
      records.push(record);
    }
    const inPool = (/** @type {Record<string, any>} */ r) => typeof r[pooled.field] === 'string' && r[pooled.field] !== '' && (!Array.isArray(r.owner) || r.owner.length === 0);
    return action === 'return' ? this.giveBack(data, pooled, records, inPool) : this.claim(data, pooled, records, inPool, userId);
  }

  giveBack(/** @type {any} */ data, /** @type {{ poolObject: string, field: string }} */ pooled, /** @type {Record<string, any>[]} */ records, /** @type {(r: any) => boolean} */ inPool) {
    const { objectPoolId, backReason } = data;
    if (typeof objectPoolId !== 'string' || objectPoolId === '') return bad('data.objectPoolId is required');
    if (!this.crm.objects.get(pooled.poolObject).records.has(objectPoolId)) return bad(`objectPoolId ${objectPoolId} is not a ${pooled.poolObject} (the pools of ${data.apiName})`);
    if (!BACK_REASONS.includes(backReason)) return bad(`data.backReason must be ${BACK_REASONS.map((r) => JSON.stringify(r)).join(', ')}`);
    if (backReason === 'other' && (typeof data.backReason__o !== 'string' || data.backReason__o.trim() === '')) return bad('data.backReason__o (the reason as text) is required when backReason is "other"');
    // the text only goes with "other" (a sandbox choice)
    if (backReason !== 'other' && 'backReason__o' in data) return bad('data.backReason__o is only for backReason "other"');
    const pooledAlready = records.find(inPool);
    if (pooledAlready) return { problem: problem(CODES.RECORD_IN_POOL, `${data.apiName} ${pooledAlready._id} is in pool ${pooledAlready[pooled.field]}`) };
    for (const record of records) {
      this.crm.touch(Object.assign(record, { owner: [], [pooled.field]: objectPoolId }));
      const body = { objectPoolId, backReason, ...(backReason === 'other' ? { backReason__o: data.backReason__o } : {}) };
      this.crm.writes.push({ action: 'return', apiName: data.apiName, id: record._id, body });
    }
    return { extra: {}, applied: true };
  }

  claim(/** @type {any} */ data, /** @type {{ poolObject: string, field: string }} */ pooled, /** @type {Record<string, any>[]} */ records, /** @type {(r: any) => boolean} */ inPool, /** @type {string} */ userId) {
    if (!this.crm.directory.employees.has(userId)) return { problem: problem(CODES.EMPLOYEE_NOT_FOUND, `x-fs-userid ${JSON.stringify(userId)} is no employee`) };
    const outside = records.find((r) => !inPool(r));
    if (outside) return { problem: problem(CODES.RECORD_NOT_IN_POOL, `${data.apiName} ${outside._id}`) };
    for (const record of records) {
      this.crm.touch(Object.assign(record, { owner: [userId] }));
      this.crm.writes.push({ action: 'choose', apiName: data.apiName, id: record._id, body: { owner: [userId] } });
    }
    return { extra: {}, applied: true };
  }
}

module.exports = { PoolStore, POOLED, POOL_FIXTURES };
