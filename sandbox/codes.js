'use strict';

/**
 * The single table of error codes the sandbox answers with.
 *
 * Numbers and meanings follow /work/shared/fxiaoke/API.md §6.2 (the official table as restated by
 * public sources) and the no-credential probe (10006, 20016, 20017). Codes marked `sandboxOnly`
 * are NOT documented by Fxiaoke: the real gateway's answer for that situation is unknown, so the
 * sandbox picks an obviously private number (9xxxx) that a client must treat as a generic failure.
 *
 * @typedef {object} CodeEntry
 * @property {number} errorCode
 * @property {string} errorMessage      short English text (clients must not branch on it)
 * @property {string} errorDescription  Chinese text as Fxiaoke writes it, plus the meaning
 * @property {string} [note]            why / where the code comes from when not obvious
 * @property {boolean} [sandboxOnly]    true if Fxiaoke does not document this code
 */

/** @type {Record<string, CodeEntry>} */
const CODES = {
  SUCCESS: { errorCode: 0, errorMessage: 'OK', errorDescription: 'success' },

  SYSTEM_BUSY: { errorCode: -1, errorMessage: 'system busy', errorDescription: '系统繁忙 (system busy, retry later)' },

  MISSING_APP_ID: { errorCode: 10001, errorMessage: 'appId is missing', errorDescription: '缺少参数appId (appId is required)' },
  MISSING_APP_SECRET: {
    errorCode: 10002,
    errorMessage: 'appSecret is missing',
    errorDescription: '缺少参数appSecret (appSecret is required)',
    note: 'Documented code. The probe saw the real gateway answer 10006 for a missing appSecret too.',
  },
  INVALID_APP_SECRET: {
    errorCode: 10006,
    errorMessage: 'the parameter appSecret is missing or illegal',
    errorDescription: '缺少参数或参数不合法 (appSecret missing or wrong)',
    note: 'Documented as "missing scope"; the probe saw it for a wrong appSecret on /oauth2.0/token.',
  },
  MISSING_PERMANENT_CODE: {
    errorCode: 10012,
    errorMessage: 'permanentCode is missing',
    errorDescription: '缺少参数permanentCode (permanentCode is required)',
  },
  MISSING_TO_USER: { errorCode: 10015, errorMessage: 'toUser is missing', errorDescription: '缺少参数toUser (no recipients)' },
  INVALID_TO_USER: {
    errorCode: 11016,
    errorMessage: 'toUser is invalid',
    errorDescription: 'toUser参数不合法 (recipients must be 1..500 non-empty strings)',
  },
  INVALID_MSG_TYPE: {
    errorCode: 11017,
    errorMessage: 'msgType is invalid',
    errorDescription: 'msgType参数不合法 (msgType must be text, composite or articles)',
  },
  EMPTY_BODY: {
    errorCode: 12004,
    errorMessage: 'POST body is empty or not valid JSON',
    errorDescription: 'POST数据包为空 (request body empty or malformed JSON)',
  },
  EMPTY_TEXT_CONTENT: {
    errorCode: 12005,
    errorMessage: 'text content is empty',
    errorDescription: '文本消息内容为空 (text.content is empty)',
  },
  RATE_LIMITED: {
    errorCode: 14001,
    errorMessage: 'API call exceeded limit',
    errorDescription: '接口调用超过限制 (per-interface call limit exceeded)',
  },
  INVALID_PARAMETER: {
    errorCode: 15002,
    errorMessage: 'invalid parameter',
    errorDescription: '参数不合法 (a body field is missing or invalid)',
    note: 'Sandbox uses it for body-field validation (revoke fields, composite, articles, upload file).',
  },
  APP_NOT_FOUND: {
    errorCode: 20006,
    errorMessage: 'appId or appSecret is wrong',
    errorDescription: 'appId或appSecret错误 (unknown appId)',
    note: 'The probe saw 10006 for a fake appId + fake secret, so a real gateway may check the secret first.',
  },
  INVALID_PERMANENT_CODE: {
    errorCode: 20015,
    errorMessage: 'permanentCode is wrong',
    errorDescription: '永久授权码错误 (wrong permanentCode)',
  },
  TOKEN_INVALID: {
    errorCode: 20016,
    errorMessage: 'the cropId,cropAccessToken or authorization is error',
    errorDescription: 'corpAccessToken不存在或者已经过期 (token unknown/expired, or x-fs-ea does not match it)',
  },
  NO_CREDENTIALS: {
    errorCode: 20017,
    errorMessage: 'corpAccessToken is required',
    errorDescription: 'corpAccessToken为必填项，不能为空 (no authorization header)',
    note: 'Documented as "corpId not found"; the probe saw it when no credentials were sent at all.',
  },
  QUOTA_DAILY: {
    errorCode: 30002,
    errorMessage: 'daily call quota exceeded',
    errorDescription: '当日调用次数已用完 (daily quota used up, resets at 00:00)',
  },
  QUOTA_NONE: {
    errorCode: 30003,
    errorMessage: 'no OpenAPI quota purchased',
    errorDescription: '企业未购买OpenAPI资源包 (company has no OpenAPI quota)',
  },
  RATE_LIMITED_PER_SECOND: {
    errorCode: 30004,
    errorMessage: 'call frequency exceeded',
    errorDescription: '每秒调用频率超限 (per-second frequency exceeded)',
  },
  PARAMETER_ERROR: {
    errorCode: 32000,
    errorMessage: 'parameter error',
    errorDescription: '参数错误 (bad query, header or content type)',
    note: 'Sandbox uses it for thirdTraceId (missing / not UUID v4 / reused), x-fs-userid, Content-Type, grantType.',
  },
  DEPARTMENT_NOT_FOUND: {
    errorCode: 30007,
    errorMessage: 'department does not exist',
    errorDescription: '部门不存在 (no department with this departmentId)',
    note: 'Documented code (API.md §6.2). That /cgi/user/simpleList and /cgi/user/list answer it for an unknown departmentId is a sandbox choice.',
  },
  EMPLOYEE_NOT_FOUND: {
    errorCode: 30027,
    errorMessage: 'employee does not exist',
    errorDescription: '员工不存在 (no employee with this openUserId)',
    note: 'Documented code (API.md §6.2). That /cgi/user/get answers it for an unknown openUserId is a sandbox choice.',
  },
  SERVICE_TIMEOUT: {
    errorCode: 50009,
    errorMessage: 'service exception',
    errorDescription: '服务异常，例如超时 (service exception, e.g. timeout)',
  },

  DEEP_PAGING: {
    errorCode: 10013,
    errorMessage: 'offset too large',
    errorDescription: '分页偏移量超过10000 (offset above 10000: page by _id)',
    note: 'Fxiaoke deep-paging FAQ (API.md §12). The general code table lists 10013 for a missing corpAccessToken as well.',
  },

  MESSAGE_NOT_FOUND: {
    errorCode: 90001,
    errorMessage: 'message not found',
    errorDescription: '消息不存在 (no message with this messageId)',
    sandboxOnly: true,
  },
  SERVICE_MISMATCH: {
    errorCode: 90002,
    errorMessage: 'message does not belong to this service',
    errorDescription: '消息不属于该服务号 (serviceId does not match the message)',
    sandboxOnly: true,
  },
  MESSAGE_ALREADY_REVOKED: {
    errorCode: 90003,
    errorMessage: 'message already revoked',
    errorDescription: '消息已撤回 (message already revoked)',
    sandboxOnly: true,
  },
  MEDIA_NOT_FOUND: {
    errorCode: 90004,
    errorMessage: 'media not found',
    errorDescription: '素材不存在 (coverImage is not a mediaId issued by this server)',
    sandboxOnly: true,
  },
  OBJECT_NOT_FOUND: {
    errorCode: 90005,
    errorMessage: 'object not found',
    errorDescription: '对象不存在 (no CRM object with this API name)',
    sandboxOnly: true,
  },
  RECORD_NOT_FOUND: {
    errorCode: 90006,
    errorMessage: 'record not found',
    errorDescription: '数据不存在 (no record with this id)',
    sandboxOnly: true,
  },
  OBJECT_READ_ONLY: {
    errorCode: 90007,
    errorMessage: 'object is read-only',
    errorDescription: '对象只读 (PersonnelObj / DepartmentObj mirror the address book, the pools HighSeasObj / LeadsPoolObj are set up by an administrator: the sandbox refuses writes through the CRM data API)',
    sandboxOnly: true,
  },
  // Approvals (API.md §15 documents no codes of its own: uncertain 6). The sandbox's choices.
  APPROVAL_NOT_APPROVER: {
    errorCode: 320001401,
    errorMessage: 'not an approver',
    errorDescription: '当前用户不是该任务的处理人 (x-fs-userid is not a pending approver of this task)',
    sandboxOnly: true,
  },
  APPROVAL_TASK_DONE: {
    errorCode: 320001402,
    errorMessage: 'task already handled',
    errorDescription: '任务已处理 (the task is no longer in progress)',
    sandboxOnly: true,
  },
  FUNCTION_NOT_FOUND: {
    errorCode: 320003404,
    errorMessage: 'function not found',
    errorDescription: '函数不存在 (no controller function with this API name)',
    sandboxOnly: true,
  },
  FUNCTION_FAILED: {
    errorCode: 320003500,
    errorMessage: 'function failed',
    errorDescription: '函数执行失败 (the function threw an error)',
    sandboxOnly: true,
  },
  RECORD_LOCKED: {
    errorCode: 320002001,
    errorMessage: 'record locked',
    errorDescription: '数据已锁定 (the record is locked: unlock it first)',
    sandboxOnly: true,
  },
  APPROVAL_NOT_RUNNING: {
    errorCode: 320001403,
    errorMessage: 'no running approval',
    errorDescription: '该数据没有进行中的审批流程 (the record has no running approval)',
    sandboxOnly: true,
  },
  // Files, stages and pools (API.md §16 documents no codes of their own: uncertain 4). The sandbox's choices.
  FILE_TYPE_NOT_ALLOWED: {
    errorCode: 320004415,
    errorMessage: 'file type not allowed',
    errorDescription: '文件类型不允许上传 (this extension may not be uploaded: exe, bat, cmd, sh, js, msi, com, scr)',
    sandboxOnly: true,
  },
  FILE_NOT_FOUND: {
    errorCode: 320004404,
    errorMessage: 'file not found',
    errorDescription: '文件不存在 (no file with this npath, or a temporary TN_ file older than 3 days never saved into a record)',
    sandboxOnly: true,
  },
  NO_STAGE_INSTANCE: {
    errorCode: 320005404,
    errorMessage: 'no stage instance',
    errorDescription: '该数据没有阶段推进器实例 (the record has no stage instance: start one with triggerByRule)',
    sandboxOnly: true,
  },
  STAGE_INSTANCE_RUNNING: {
    errorCode: 320005409,
    errorMessage: 'stage instance already running',
    errorDescription: '阶段推进器实例已存在 (the record already has a running stage instance)',
    sandboxOnly: true,
  },
  RECORD_NOT_IN_POOL: {
    errorCode: 320006404,
    errorMessage: 'record not in a pool',
    errorDescription: '数据不在公海或线索池中 (the record is not in a pool without an owner: it cannot be claimed)',
    sandboxOnly: true,
  },
  RECORD_IN_POOL: {
    errorCode: 320006409,
    errorMessage: 'record already in a pool',
    errorDescription: '数据已在公海或线索池中 (the record is already in a pool without an owner: it cannot be returned)',
    sandboxOnly: true,
  },
};

for (const entry of Object.values(CODES)) Object.freeze(entry);
Object.freeze(CODES);

/**
 * A failed check: which table entry to answer with, plus an optional English detail that is
 * appended to errorDescription.
 * @typedef {{ code: CodeEntry, detail?: string }} Problem
 */

/** @param {CodeEntry} code @param {string} [detail] @returns {Problem} */
const problem = (code, detail) => ({ code, detail });

module.exports = { CODES, problem };
