'use strict';

/**
 * The stage pusher (阶段推进器, API.md §16): stage instances on records, read, started and moved.
 *
 *   /cgi/crm/v2/special/getInstanceInfoByObjectId  {data:{entityId, objectId}} → data: {workflowInstanceId, entityId, objectId, currentStageId, stages}
 *   /cgi/crm/v2/instance/triggerByRule             {data:{entityId, objectId}} → envelope (starts a LeadsObj instance)
 *   /cgi/crm/v2/special/stageMoveTo                {data:{workflowInstanceId, stageId}} → data: {}
 *
 * The info call and its answer's shape are [S] only: the shape is a sandbox choice. Two flows: every
 * NewOpportunityObj record has one (Opportunity 2.0 needs no start; made on first ask), LeadsObj
 * records get one by triggerByRule. The current stage is the record's select field (unset: the first
 * stage); a move sets that field as an update does (locked records and the recycle bin refuse).
 */

const { CODES, problem } = require('./codes');

/**
 * @typedef {{ stageId: string, name: string, value: string }} Stage
 * @typedef {{ field: string, automatic: boolean, stages: Stage[] }} Flow
 * @typedef {{ workflowInstanceId: string, entityId: string, objectId: string, startedAt: number }} Instance
 */

/** @type {Record<string, Flow>} */
const STAGE_FLOWS = {
  NewOpportunityObj: {
    field: 'sales_stage',
    automatic: true,
    stages: [
      { stageId: 'stage_discovery', name: 'Discovery', value: '1' },
      { stageId: 'stage_proposal', name: 'Proposal', value: '2' },
      { stageId: 'stage_won', name: 'Won', value: '3' },
      { stageId: 'stage_lost', name: 'Lost', value: '4' },
    ],
  },
  LeadsObj: {
    field: 'leads_status',
    automatic: false,
    stages: [
      { stageId: 'stage_new', name: 'New', value: '1' },
      { stageId: 'stage_contacted', name: 'Contacted', value: '2' },
      { stageId: 'stage_qualified', name: 'Qualified', value: '3' },
    ],
  },
};

const bad = (/** @type {string} */ detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });

/** @param {Record<string, unknown>} data @param {string[]} keys @returns {string|null} */
function shapeProblem(data, keys) {
  const extra = Object.keys(data).filter((k) => !keys.includes(k));
  if (extra.length > 0) return `unknown field(s) in data: ${extra.join(', ')}`;
  const missing = keys.find((k) => typeof data[k] !== 'string' || data[k] === '');
  return missing ? `data.${missing} is required (string)` : null;
}

class StageStore {
  /** @param {import('./crm').CrmStore} crm */
  constructor(crm) {
    this.crm = crm;
    /** @type {Map<string, Instance>} workflowInstanceId → instance */
    this.instances = new Map();
    /** @type {Map<string, string>} `${apiName}/${objectId}` → workflowInstanceId */
    this.byRecord = new Map();
    this.seq = 0;
  }

  /**
   * @param {'stageInstance'|'stageTrigger'|'stageMove'} action @param {any} data
   * @returns {{ problem: import('./codes').Problem } | { extra: Record<string, any>, applied: boolean }}
   */
  handle(action, data) {
    if (action === 'stageMove') return this.move(data);
    const wrong = shapeProblem(data, ['entityId', 'objectId']);
    if (wrong) return bad(wrong);
    const object = this.crm.objects.get(data.entityId);
    if (!object) return { problem: problem(CODES.OBJECT_NOT_FOUND, `no object ${JSON.stringify(data.entityId)}`) };
    const record = object.records.get(data.objectId);
    if (!record) return { problem: problem(CODES.RECORD_NOT_FOUND, `no record ${JSON.stringify(data.objectId)}`) };
    const flow = STAGE_FLOWS[data.entityId];
    if (action === 'stageTrigger') return this.trigger(data.entityId, record, flow);
    const instance = this.instanceOf(data.entityId, record._id);
    if (!instance) return { problem: problem(CODES.NO_STAGE_INSTANCE, `${data.entityId} ${record._id}`) };
    return { extra: { data: this.info(instance, flow, record) }, applied: false };
  }

  /** The record's instance; an Opportunity 2.0 record's is made on first ask. @param {string} apiName @param {string} id */
  instanceOf(apiName, id) {
    const known = this.byRecord.get(`${apiName}/${id}`);
    if (known) return this.instances.get(known);
    const flow = STAGE_FLOWS[apiName];
    return flow && flow.automatic ? this.start(apiName, id) : undefined;
  }

  /** @param {string} apiName @param {string} id */
  start(apiName, id) {
    this.seq += 1;
    /** @type {Instance} */
    const instance = { workflowInstanceId: `7${this.seq.toString(16).padStart(23, '0')}`, entityId: apiName, objectId: id, startedAt: this.crm.now() };
    this.instances.set(instance.workflowInstanceId, instance);
    this.byRecord.set(`${apiName}/${id}`, instance.workflowInstanceId);
    return instance;
  }

  /** @param {Instance} instance @param {Flow} flow @param {Record<string, any>} record */
  info(instance, flow, record) {
    const current = flow.stages.find((s) => s.value === record[flow.field]) ?? flow.stages[0];
    return {
      workflowInstanceId: instance.workflowInstanceId,
      entityId: instance.entityId,
      objectId: instance.objectId,
      currentStageId: current.stageId,
      stages: flow.stages.map((s, i) => ({ stageId: s.stageId, name: s.name, orderNum: i + 1 })),
    };
  }

  /** Starts the record's instance: objects without a stage flow → 15002; one running → 320005409. */
  trigger(/** @type {string} */ apiName, /** @type {Record<string, any>} */ record, /** @type {Flow|undefined} */ flow) {
    if (!flow) return bad(`${apiName} has no stage flow (the sandbox's are on ${Object.keys(STAGE_FLOWS).join(', ')})`);
    if (record.life_status === 'invalid') return bad('the record is in the recycle bin');
    if (this.instanceOf(apiName, record._id)) return { problem: problem(CODES.STAGE_INSTANCE_RUNNING, `${apiName} ${record._id}`) };
    const instance = this.start(apiName, record._id);
    this.crm.writes.push({ action: 'stageTrigger', apiName, id: record._id, body: { workflowInstanceId: instance.workflowInstanceId } });
    return { extra: {}, applied: true };
  }

  /** `{workflowInstanceId, stageId}`: sets the record's stage field as an update does. @param {any} data */
  move(data) {
    const wrong = shapeProblem(data, ['workflowInstanceId', 'stageId']);
    if (wrong) return bad(wrong);
    const instance = this.instances.get(data.workflowInstanceId);
    if (!instance) return bad(`no stage instance ${JSON.stringify(data.workflowInstanceId)}`);
    const flow = STAGE_FLOWS[instance.entityId];
    const stage = flow.stages.find((s) => s.stageId === data.stageId);
    if (!stage) return bad(`stageId ${JSON.stringify(data.stageId)} is not a stage of instance ${instance.workflowInstanceId} (${flow.stages.map((s) => s.stageId).join(', ')})`);
    const record = this.crm.objects.get(instance.entityId)?.records.get(instance.objectId);
    if (!record) return { problem: problem(CODES.RECORD_NOT_FOUND, `no record ${JSON.stringify(instance.objectId)}`) };
    if (record.life_status === 'invalid') return bad('the record is in the recycle bin');
    if (record.lock_status === '1') return { problem: problem(CODES.RECORD_LOCKED, `${instance.entityId} ${record._id}`) };
    this.crm.touch(Object.assign(record, { [flow.field]: stage.value }));
    this.crm.writes.push({ action: 'stageMove', apiName: instance.entityId, id: record._id, body: { workflowInstanceId: instance.workflowInstanceId, stageId: stage.stageId } });
    return { extra: { data: {} }, applied: true };
  }
}

module.exports = { StageStore, STAGE_FLOWS };
