'use strict';
/**
 * Approval flows (审批流, API.md §15). One flow (more can be added to FLOWS): a NewOpportunityObj of
 * an amount of 100,000 or more, on creation or update, needs employee 1000 or 1001, then 1002. Flows start when a record is
 * created or updated through the API with `triggerApprovalFlow` (default true) and the flow's
 * condition holds, as Fxiaoke's user guide says. Each flow has steps of approvers (employee IDs, the
 * x-fs-userid form); an instance runs one task per step. Calls:
 *
 *   /cgi/crm/approvalInstances/query          instances of a flow in a time window (paged)
 *   /cgi/crm/object/approvalInstances/query   instances of one record
 *   /cgi/crm/approvalInstance/get             an instance and its tasks
 *   /cgi/crm/v2/special/object/approvalTask   agree / reject a task
 *   /cgi/crm/v2/special/approval/instance/cancel  withdraw the running approval of a record
 *   /cgi/crm/v2/special/approval/rejectToBeforeTask  send a task back to an earlier one
 *
 * and ApprovalInstanceObj / ApprovalTaskObj as read-only CRM objects (data/query, data/get), their
 * time field named `last_modify_time` as §15's examples show. The instance queries lag (§15: "not
 * real-time"): a change shows in them `lagMs` after it happened (sandbox option approvalLagMs).
 *
 * Sandbox choices where §15 is silent (uncertain 3, 6; codes in sandbox/codes.js): acting on a task
 * needs x-fs-userid among its pending approvers, else 320001401; a task no longer in progress gives
 * 320001402; a record with no running approval gives 320001403 on cancel. A flow started by a creation keeps the record
 * `life_status: under_review` until it passes (`normal`) or is rejected or cancelled (`ineffective`).
 */
const { CODES, problem } = require('./codes');

/** @typedef {{ flowApiName: string, name: string, objectApiName: string, triggerTypes: string[], when: (record: Record<string, any>) => boolean, steps: string[][] }} Flow */

/** @type {Flow[]} */
const FLOWS = [
  {
    flowApiName: 'apprOpportunityDiscount__c',
    name: 'Large opportunity approval',
    objectApiName: 'NewOpportunityObj',
    triggerTypes: ['Create', 'Update'],
    when: (record) => Number(record.amount) >= 100000,
    steps: [['1000', '1001'], ['1002']],
  },
];

const INSTANCE_STATES = ['in_progress', 'pass', 'error', 'cancel', 'reject'];
const bad = (/** @type {string} */ detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });

class ApprovalStore {
  /**
   * @param {{ now: () => number, nextId: () => string, objects: Map<string, any> }} crm
   */
  constructor(crm) {
    this.crm = crm;
    this.lagMs = 0;
    /** @type {Map<string, Record<string, any>>} */
    this.instances = new Map();
    /** @type {Map<string, Record<string, any>>} */
    this.tasks = new Map();
    /** ApprovalInstanceObj / ApprovalTaskObj records (data/query), kept in step with the above. */
    this.instanceRecords = new Map();
    this.taskRecords = new Map();
  }

  flows() {
    return FLOWS;
  }

  /**
   * A record was created or updated through the API: starts the flow it matches, unless one runs.
   * @param {string} objectApiName @param {Record<string, any>} record @param {'Create'|'Update'} triggerType @param {string} userId
   */
  onWrite(objectApiName, record, triggerType, userId) {
    const flow = FLOWS.find((f) => f.objectApiName === objectApiName && f.triggerTypes.includes(triggerType) && f.when(record));
    if (!flow || this.runningOf(record._id)) return null;
    const at = this.crm.now();
    const instance = {
      instanceId: this.crm.nextId(),
      instanceName: `${flow.name}: ${record.name ?? record._id}`,
      dataId: record._id,
      triggerType,
      state: 'in_progress',
      createTime: at,
      lastModifyTime: at,
      endTime: null,
      flowApiName: flow.flowApiName,
      applicantOpenUserId: userId,
      cancelTime: null,
      objectApiName,
    };
    this.instances.set(instance.instanceId, instance);
    if (triggerType === 'Create') record.life_status = 'under_review';
    this.startTask(instance, 0, at);
    this.mirror(instance);
    return instance;
  }

  /** @param {string} dataId */
  runningOf(dataId) {
    return [...this.instances.values()].find((i) => i.dataId === dataId && i.state === 'in_progress');
  }

  startTask(instance, step, at) {
    const flow = FLOWS.find((f) => f.flowApiName === instance.flowApiName);
    const approvers = /** @type {Flow} */ (flow).steps[step];
    const task = {
      id: this.crm.nextId(),
      instanceId: instance.instanceId,
      step,
      type: approvers.length > 1 ? 'one_pass' : 'single',
      state: 'in_progress',
      flowApiName: instance.flowApiName,
      createTime: at,
      modifyTime: at,
      opinions: [],
      unCompletePersons: [...approvers],
      endTime: null,
      completeOpenPersons: [],
    };
    this.tasks.set(task.id, task);
    this.mirrorTask(task, instance);
  }

  /** The instance as ApprovalInstanceObj shows it. */
  mirror(instance) {
    this.instanceRecords.set(instance.instanceId, {
      _id: instance.instanceId,
      name: instance.instanceName,
      object_api_name: instance.objectApiName,
      object_data_id: instance.dataId,
      workflow_id: instance.flowApiName,
      state: instance.state,
      trigger_type: instance.triggerType,
      submitter: [instance.applicantOpenUserId],
      create_time: instance.createTime,
      last_modify_time: instance.lastModifyTime,
      end_time: instance.endTime,
    });
  }

  mirrorTask(task, instance) {
    this.taskRecords.set(task.id, {
      _id: task.id,
      name: `${instance.instanceName} (${task.step + 1})`,
      workflow_instance_id: task.instanceId,
      object_api_name: instance.objectApiName,
      object_data_id: instance.dataId,
      workflow_id: task.flowApiName,
      state: task.state,
      candidate_ids: [...task.unCompletePersons],
      activity_id: String(task.step + 1),
      create_time: task.createTime,
      last_modify_time: task.modifyTime,
    });
  }

  /** Whether a change at `at` shows in the (lagging) instance queries yet. */
  visible(at) {
    return at <= this.crm.now() - this.lagMs;
  }

  /** The API's view of an instance (and a copy, so callers cannot change the store). */
  view(instance) {
    const { ...copy } = instance;
    return copy;
  }

  /**
   * @param {string} endpoint approval.<call> @param {any} body @param {string} userId
   * @returns {{ extra: Record<string, unknown>, applied: boolean } | { problem: any }}
   */
  handle(endpoint, body, userId) {
    switch (endpoint) {
      case 'approval.instances':
        return this.queryInstances(body);
      case 'approval.recordInstances': {
        if (typeof body.dataId !== 'string' || body.dataId === '') return bad('dataId is required');
        const instances = [...this.instances.values()].filter((i) => i.dataId === body.dataId && this.visible(i.lastModifyTime)).map((i) => this.view(i));
        return { extra: { instances }, applied: false };
      }
      case 'approval.get': {
        const instance = this.instances.get(body.instanceId);
        if (!instance) return { problem: problem(CODES.RECORD_NOT_FOUND, `no approval instance ${JSON.stringify(body.instanceId)}`) };
        const tasks = [...this.tasks.values()].filter((t) => t.instanceId === instance.instanceId).map(({ instanceId, step, ...t }) => ({ ...t, opinions: [...t.opinions] }));
        return { extra: { instanceDetail: { instance: this.view(instance), tasks } }, applied: false };
      }
      case 'approval.task':
        return this.act(body.data, userId);
      case 'approval.cancel':
        return this.cancel(body.data);
      case 'approval.rejectBack':
        return this.rejectBack(body.data, userId);
      default:
        return bad(`unknown call ${endpoint}`);
    }
  }

  queryInstances(body) {
    const { flowApiName, startTime, endTime, state, objectApiName } = body;
    if (typeof flowApiName !== 'string' || flowApiName === '') return bad('flowApiName is required');
    const start = Number(startTime);
    const end = Number(endTime);
    if (startTime === undefined || endTime === undefined || !Number.isFinite(start) || !Number.isFinite(end)) return bad('startTime and endTime are required (timestamps in ms)');
    if (state !== undefined && !INSTANCE_STATES.includes(state)) return bad(`state must be one of ${INSTANCE_STATES.join(', ')}`);
    const pageNumber = body.pageNumber ?? 1;
    const pageSize = body.pageSize ?? 20;
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return bad('pageNumber ≥ 1, pageSize 1..100');
    // the window is on the creation time (a sandbox choice, §15 uncertain 4), newest first
    const all = [...this.instances.values()]
      .filter((i) => i.flowApiName === flowApiName && i.createTime >= start && i.createTime <= end && this.visible(i.lastModifyTime))
      .filter((i) => (state === undefined || i.state === state) && (objectApiName === undefined || i.objectApiName === objectApiName))
      .sort((a, b) => b.createTime - a.createTime || (a.instanceId < b.instanceId ? 1 : -1));
    const instanceList = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((i) => this.view(i));
    return { extra: { queryResult: { total: all.length, instanceList } }, applied: false };
  }

  /** agree / reject: `{taskId, approvalResult, opinion}` */
  act(data, userId) {
    if (!data || typeof data !== 'object') return bad('data is required');
    const { taskId, approvalResult, opinion } = data;
    if (typeof taskId !== 'string' || taskId === '') return bad('data.taskId is required');
    if (!['agree', 'reject'].includes(approvalResult)) return bad('data.approvalResult must be agree or reject');
    if (typeof opinion !== 'string') return bad('data.opinion is required');
    const found = this.actionable(taskId, userId);
    if ('problem' in found) return found;
    const { task } = found;
    const instance = /** @type {Record<string, any>} */ (this.instances.get(task.instanceId));
    const at = this.crm.now();
    task.opinions.push({ userId, actionType: approvalResult, opinion, replyTime: at });
    task.completeOpenPersons.push(userId);
    task.unCompletePersons = [];
    task.state = approvalResult === 'agree' ? 'pass' : 'reject';
    task.modifyTime = at;
    task.endTime = at;
    this.mirrorTask(task, instance);
    const flow = /** @type {Flow} */ (FLOWS.find((f) => f.flowApiName === instance.flowApiName));
    if (approvalResult === 'reject') this.finish(instance, 'reject', at);
    else if (task.step + 1 < flow.steps.length) {
      instance.lastModifyTime = at;
      this.startTask(instance, task.step + 1, at);
      this.mirror(instance);
    } else this.finish(instance, 'pass', at);
    return { extra: {}, applied: true };
  }

  /** The task in progress `taskId` that `userId` may act on, or the problem. */
  actionable(taskId, userId) {
    const task = this.tasks.get(taskId);
    if (!task) return { problem: problem(CODES.RECORD_NOT_FOUND, `no approval task ${JSON.stringify(taskId)}`) };
    if (task.state !== 'in_progress') return { problem: problem(CODES.APPROVAL_TASK_DONE, `the task is ${task.state}`) };
    if (!task.unCompletePersons.includes(userId)) return { problem: problem(CODES.APPROVAL_NOT_APPROVER, `approvers: ${task.unCompletePersons.join(', ')}`) };
    return { task };
  }

  /** `{currentTaskId, rejectToTaskId, rejectOpinion}`: back to an earlier, passed task of the same approval, which runs again. */
  rejectBack(data, userId) {
    if (!data || typeof data !== 'object') return bad('data is required');
    const { currentTaskId, rejectToTaskId, rejectOpinion } = data;
    if (typeof currentTaskId !== 'string' || typeof rejectToTaskId !== 'string' || typeof rejectOpinion !== 'string' || rejectOpinion === '') {
      return bad('data.currentTaskId, data.rejectToTaskId and data.rejectOpinion are required');
    }
    const found = this.actionable(currentTaskId, userId);
    if ('problem' in found) return found;
    const { task } = found;
    const target = this.tasks.get(rejectToTaskId);
    if (!target || target.instanceId !== task.instanceId || target.step >= task.step || target.state !== 'pass') return bad('rejectToTaskId is not an earlier, passed task of this approval');
    const instance = /** @type {Record<string, any>} */ (this.instances.get(task.instanceId));
    const at = this.crm.now();
    task.opinions.push({ userId, actionType: 'reject', opinion: rejectOpinion, replyTime: at });
    Object.assign(task, { state: 'go_back', unCompletePersons: [], completeOpenPersons: [...task.completeOpenPersons, userId], modifyTime: at, endTime: at });
    this.mirrorTask(task, instance);
    instance.lastModifyTime = at;
    this.startTask(instance, target.step, at);
    this.mirror(instance);
    return { extra: {}, applied: true };
  }

  /** `{entityId, objectId, cancelReason}` */
  cancel(data) {
    if (!data || typeof data !== 'object') return bad('data is required');
    const { entityId, objectId, cancelReason } = data;
    if (typeof entityId !== 'string' || entityId === '' || typeof objectId !== 'string' || objectId === '') return bad('data.entityId and data.objectId are required');
    if (typeof cancelReason !== 'string' || cancelReason === '') return bad('data.cancelReason is required');
    const instance = this.runningOf(objectId);
    if (!instance || instance.objectApiName !== entityId) return { problem: problem(CODES.APPROVAL_NOT_RUNNING, `${entityId} ${objectId}`) };
    const at = this.crm.now();
    instance.cancelTime = at;
    for (const task of this.tasks.values()) {
      if (task.instanceId === instance.instanceId && task.state === 'in_progress') {
        Object.assign(task, { state: 'cancel', modifyTime: at, endTime: at, unCompletePersons: [] });
        this.mirrorTask(task, instance);
      }
    }
    this.finish(instance, 'cancel', at);
    return { extra: {}, applied: true };
  }

  finish(instance, state, at) {
    Object.assign(instance, { state, lastModifyTime: at, endTime: at });
    this.mirror(instance);
    if (instance.triggerType === 'Create') {
      const record = this.crm.objects.get(instance.objectApiName)?.records.get(instance.dataId);
      if (record) {
        record.life_status = state === 'pass' ? 'normal' : 'ineffective';
        record.last_modified_time = at;
      }
    }
  }
}

/** The approval calls' paths → endpoint names. */
const APPROVAL_ROUTES = {
  '/cgi/crm/approvalInstances/query': 'approval.instances',
  '/cgi/crm/object/approvalInstances/query': 'approval.recordInstances',
  '/cgi/crm/approvalInstance/get': 'approval.get',
  '/cgi/crm/v2/special/object/approvalTask': 'approval.task',
  '/cgi/crm/v2/special/approval/instance/cancel': 'approval.cancel',
  '/cgi/crm/v2/special/approval/rejectToBeforeTask': 'approval.rejectBack',
};

module.exports = { ApprovalStore, APPROVAL_ROUTES, FLOWS };
