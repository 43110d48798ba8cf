'use strict';

/**
 * The sandbox's address book (API.md §13): a deterministic company of 300 employees in nested
 * departments, the `/cgi/user/*` and `/cgi/department/list` endpoints, and the CRM records of
 * PersonnelObj / DepartmentObj that mirror it (crm.js serves them from here, so they never drift).
 *
 * Identifiers: `employeeId` ('1000', '1001', …) is what message sends take in `toUser` and what
 * PersonnelObj calls `user_id`; `openUserId` (`FSUID_` + 32 hex) is what `/cgi/user/*` answers with.
 * `employeeNumber` ('E00001', …) is the HR number: a different value on purpose, so nobody confuses it
 * with the employee ID. `leaderId` is the leader's openUserId (the user endpoints know no employee IDs).
 *
 * Sandbox choices where the docs are silent (strict, so a client working here works on Fxiaoke):
 * - `departmentId` 999999 without `fetchChild` lists only the employees directly in the root
 *   department (the CEO); send `fetchChild: true` for the whole company.
 * - Fields whose value is null (no mobile, no e-mail, no leader, …) are left out of user objects
 *   unless `includeNull: true`; `showDepartmentIdsDetail` is accepted and changes nothing.
 * - Stopped employees (`isStop: true`) are listed by every endpoint.
 * - `gender` is 'M' / 'F', `hireDate` a 'YYYY-MM-DD' string, the root department's `parentId` null.
 * - PersonnelObj `status`: '0' normal, '1' stopped; DepartmentObj `status`: '0' enabled, '1' disabled,
 *   '2' deleted (API.md).
 */

const crypto = require('node:crypto');
const { CODES, problem } = require('./codes');

const ROOT_DEPARTMENT_ID = 999999;
const FIRST_EMPLOYEE_ID = 1000;
/** Who owns the mirrored CRM records (the CEO, also the demo app's x-fs-userid). */
const OWNER_ID = String(FIRST_EMPLOYEE_ID);

/** Department plan: [id, name, parentId, members (the first is the head), members' position]. */
const DEPARTMENT_PLAN = [
  [ROOT_DEPARTMENT_ID, 'Whole Company', null, 1, 'CEO'],
  [1001, 'Sales', ROOT_DEPARTMENT_ID, 2, 'Sales Operations'],
  [1002, 'Sales East', 1001, 50, 'Account Executive'],
  [1003, 'Sales West', 1001, 50, 'Account Executive'],
  [1010, 'R&D', ROOT_DEPARTMENT_ID, 2, 'Architect'],
  [1011, 'Backend', 1010, 40, 'Backend Engineer'],
  [1012, 'Platform', 1011, 30, 'Platform Engineer'],
  [1013, 'Frontend', 1010, 35, 'Frontend Engineer'],
  [1020, 'Support', ROOT_DEPARTMENT_ID, 40, 'Support Engineer'],
  [1030, 'Finance', ROOT_DEPARTMENT_ID, 15, 'Accountant'],
  [1040, 'HR', ROOT_DEPARTMENT_ID, 10, 'HR Specialist'],
  [1050, 'Marketing', ROOT_DEPARTMENT_ID, 25, 'Marketing Specialist'],
  [1060, 'Legacy Projects', ROOT_DEPARTMENT_ID, 0, null, { isStop: true }],
];

// Names: surname x given name, each pair used once (300 of 400), so generated names are unique.
// '伟' is not among the given names: the duplicate-name fixture '张伟' cannot collide with them.
const SURNAMES = [['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['林', 'lin'], ['高', 'gao'], ['罗', 'luo']];
const GIVEN = [['芳', 'fang', 'F'], ['娜', 'na', 'F'], ['敏', 'min', 'F'], ['静', 'jing', 'F'], ['丽', 'li', 'F'], ['强', 'qiang', 'M'], ['磊', 'lei', 'M'], ['军', 'jun', 'M'], ['洋', 'yang', 'M'], ['勇', 'yong', 'M'], ['艳', 'yan', 'F'], ['杰', 'jie', 'M'], ['娟', 'juan', 'F'], ['涛', 'tao', 'M'], ['明', 'ming', 'M'], ['超', 'chao', 'M'], ['秀英', 'xiuying', 'F'], ['霞', 'xia', 'F'], ['平', 'ping', 'F'], ['刚', 'gang', 'M']];
const EMAIL_DOMAIN = 'sandbox-corp.example.com';

/** Deterministic openUserId of an employee ID: `FSUID_` + 32 upper-case hex. */
const openUserIdOf = (employeeId) => `FSUID_${crypto.createHash('sha256').update(`fxiaoke-sandbox-user\n${employeeId}`).digest('hex').slice(0, 32).toUpperCase()}`;
const mobileOf = (employeeId) => `138${String(employeeId).padStart(8, '0')}`;
const copy = (e) => ({ ...e, departmentIds: [...e.departmentIds] });
const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const DAY_MS = 24 * 60 * 60 * 1000;
const hireDateOf = (i) => new Date(Date.UTC(2015, 0, 5) + i * 9 * DAY_MS).toISOString().slice(0, 10);

/**
 * The employees of a fresh directory, before fixtures; pure, so every reset builds the same company.
 * @returns {Employee[]}
 */
function generatedEmployees() {
  /** @type {Employee[]} */
  const list = [];
  const heads = new Map(); // department id -> head's openUserId
  for (const [id, deptName, parentId, count, position] of DEPARTMENT_PLAN) {
    for (let k = 0; k < count; k++) {
      const i = list.length;
      const employeeId = String(FIRST_EMPLOYEE_ID + i);
      // i -> (surname, given) is one-to-one for i < 400: given = (surname index + i div 20) mod 20.
      const [surname, surnamePinyin] = SURNAMES[i % 20];
      const [given, givenPinyin, gender] = GIVEN[(i % 20 + Math.floor(i / 20)) % 20];
      const account = `${surnamePinyin}${givenPinyin}${employeeId}`;
      const openUserId = openUserIdOf(employeeId);
      const isHead = k === 0;
      list.push({
        employeeId,
        openUserId,
        account,
        name: `${surname}${given}`,
        nickName: `${capitalize(givenPinyin)} ${capitalize(surnamePinyin)}`,
        mobile: mobileOf(employeeId),
        email: `${givenPinyin}.${surnamePinyin}.${employeeId}@${EMAIL_DOMAIN}`,
        gender,
        position: isHead && id !== ROOT_DEPARTMENT_ID ? `Head of ${deptName}` : position,
        departmentIds: [id],
        mainDepartmentId: id,
        employeeNumber: `E${String(i + 1).padStart(5, '0')}`,
        hireDate: hireDateOf(i),
        // A head reports to the head of the parent department, everyone else to their own head.
        leaderId: isHead ? (parentId === null ? null : heads.get(parentId)) : heads.get(id),
        isStop: false,
      });
      if (isHead) heads.set(id, openUserId);
    }
  }
  return list;
}

const GENERATED = generatedEmployees();
/** The k-th (0-based) member of a department in the generated company. */
const memberOf = (departmentId, k) => GENERATED.filter((e) => e.mainDepartmentId === departmentId)[k];

// Fixture employees: picked by position (never a head), then changed by applyFixtures().
const DUPLICATE_A = memberOf(1002, 5);
const DUPLICATE_B = memberOf(1020, 7);
const STOPPED = memberOf(1020, 12);
const NO_MOBILE = memberOf(1030, 3);
const NO_EMAIL = memberOf(1040, 4);
const MULTI_DEPARTMENT = memberOf(1013, 9);
// A name in Latin letters, whose e-mail address does not hold it: a search by name in any case.
const LATIN_NAME = memberOf(1050, 6);

/** @param {Employee[]} list */
function applyFixtures(list) {
  const byId = new Map(list.map((e) => [e.employeeId, e]));
  for (const { employeeId } of [DUPLICATE_A, DUPLICATE_B]) {
    Object.assign(byId.get(employeeId), { name: '张伟', nickName: 'Wei Zhang', account: `zhangwei${employeeId}`, email: `wei.zhang.${employeeId}@${EMAIL_DOMAIN}`, gender: 'M' });
  }
  byId.get(STOPPED.employeeId).isStop = true;
  byId.get(NO_MOBILE.employeeId).mobile = null;
  byId.get(NO_EMAIL.employeeId).email = null;
  byId.get(MULTI_DEPARTMENT.employeeId).departmentIds = [1013, 1050];
  Object.assign(byId.get(LATIN_NAME.employeeId), { name: 'Lena Fischer', nickName: 'Lena Fischer', account: `lenafischer${LATIN_NAME.employeeId}`, email: `lf.${LATIN_NAME.employeeId}@${EMAIL_DOMAIN}`, gender: 'F' });
  return list;
}

/** Members of any of these departments in a fresh directory (fixtures applied), each once. */
const countIn = (ids) => applyFixtures(GENERATED.map(copy)).filter((e) => e.departmentIds.some((d) => ids.includes(d))).length;

/** What the tests rely on; derived from the plan above, so tests never hard-code ids. */
const DIRECTORY_FIXTURES = Object.freeze({
  rootDepartmentId: ROOT_DEPARTMENT_ID,
  /** Everyone, stopped employees included (`999999` with `fetchChild: true`). */
  employeeCount: GENERATED.length,
  /** Employee '1000', alone in the root department; the demo app's x-fs-userid. */
  ceo: Object.freeze({ employeeId: GENERATED[0].employeeId, openUserId: GENERATED[0].openUserId, name: GENERATED[0].name }),
  /** Two active employees with exactly this name, in different departments. */
  duplicateName: Object.freeze({
    name: '张伟',
    employeeIds: Object.freeze([DUPLICATE_A.employeeId, DUPLICATE_B.employeeId]),
    openUserIds: Object.freeze([DUPLICATE_A.openUserId, DUPLICATE_B.openUserId]),
    departmentIds: Object.freeze([DUPLICATE_A.mainDepartmentId, DUPLICATE_B.mainDepartmentId]),
  }),
  /** `isStop: true`, still has a mobile and an e-mail. */
  stopped: Object.freeze({ employeeId: STOPPED.employeeId, openUserId: STOPPED.openUserId, name: STOPPED.name, mobile: STOPPED.mobile, email: STOPPED.email, departmentId: STOPPED.mainDepartmentId }),
  noMobile: Object.freeze({ employeeId: NO_MOBILE.employeeId, openUserId: NO_MOBILE.openUserId, name: NO_MOBILE.name, email: NO_MOBILE.email }),
  noEmail: Object.freeze({ employeeId: NO_EMAIL.employeeId, openUserId: NO_EMAIL.openUserId, name: NO_EMAIL.name, mobile: NO_EMAIL.mobile }),
  /** In Frontend (main) and Marketing. */
  multiDepartment: Object.freeze({ employeeId: MULTI_DEPARTMENT.employeeId, openUserId: MULTI_DEPARTMENT.openUserId, departmentIds: Object.freeze([1013, 1050]), mainDepartmentId: 1013 }),
  /** Named in Latin letters ('Lena Fischer'); the e-mail address holds neither word. */
  latinName: Object.freeze({ employeeId: LATIN_NAME.employeeId, name: 'Lena Fischer', email: `lf.${LATIN_NAME.employeeId}@${EMAIL_DOMAIN}` }),
  /** R&D: Backend (with Platform under it) and Frontend. */
  departmentWithChildren: Object.freeze({ departmentId: 1010, name: 'R&D', childIds: Object.freeze([1011, 1013]), descendantIds: Object.freeze([1011, 1012, 1013]), directMembers: countIn([1010]), allMembers: countIn([1010, 1011, 1012, 1013]) }),
  leafDepartment: Object.freeze({ departmentId: 1012, name: 'Platform', parentId: 1011, members: countIn([1012]) }),
  /** Disabled (isStop, DepartmentObj status '1'), no members. */
  stoppedDepartment: Object.freeze({ departmentId: 1060, name: 'Legacy Projects' }),
  departmentCount: DEPARTMENT_PLAN.length,
  unknownDepartmentId: 424242,
  unknownMobile: '13900000000',
});

/**
 * @typedef {object} Employee
 * @property {string} employeeId      numeric string; `toUser` of sends, PersonnelObj `user_id`
 * @property {string} openUserId      FSUID_…
 * @property {string} account
 * @property {string} name
 * @property {string} nickName
 * @property {string|null} mobile
 * @property {string|null} email
 * @property {string|null} gender     'M' | 'F'
 * @property {string|null} position
 * @property {number[]} departmentIds
 * @property {number} mainDepartmentId
 * @property {string|null} employeeNumber
 * @property {string|null} hireDate   'YYYY-MM-DD'
 * @property {string|null} leaderId   the leader's openUserId
 * @property {boolean} isStop
 *
 * @typedef {{ id: number, name: string, parentId: number|null, isStop: boolean, order: number }} Department
 */

const EMPLOYEE_KEYS = ['employeeId', 'openUserId', 'account', 'name', 'nickName', 'mobile', 'email', 'gender', 'position', 'departmentIds', 'mainDepartmentId', 'employeeNumber', 'hireDate', 'leaderId', 'isStop'];
/** /cgi/user/list fields, in API.md §13's order (no employee ID: the list documents none). */
const DETAIL_KEYS = ['openUserId', 'account', 'name', 'nickName', 'isStop', 'email', 'mobile', 'gender', 'position', 'departmentIds', 'mainDepartmentId', 'employeeNumber', 'hireDate', 'leaderId'];
const PLATFORM_KEYS = ['convertUserId', 'convertMediaId']; // API.md §5: allowed in every body

/** A 24-hex CRM id; `prefix` keeps the two objects' ids apart, `seq` keeps Map order = _id order. */
const crmId = (prefix, seq) => `${prefix}${seq.toString(16).padStart(23, '0')}`;

class Directory {
  /** @param {() => number} [now] clock for the CRM records' times (the CRM clock) */
  constructor(now = Date.now) {
    this.now = now;
    this.reset();
  }

  /** Back to the generated company; the CRM maps are refilled in place so crm.js keeps its references. */
  reset() {
    /** @type {Map<number, Department>} */
    this.departments = new Map();
    /** @type {Map<string, Employee>} employeeId -> employee, in creation order */
    this.employees = new Map();
    /** @type {Map<string, string>} openUserId -> employeeId */
    this.openIndex = new Map();
    /** CRM records by _id, kept in _id order (crm.js pages them with `_id GT` binary search). */
    if (this.personnelRecords) this.personnelRecords.clear();
    else this.personnelRecords = new Map();
    if (this.departmentRecords) this.departmentRecords.clear();
    else this.departmentRecords = new Map();
    /** employeeId -> PersonnelObj _id; department id -> DepartmentObj _id */
    this.personnelIds = new Map();
    this.departmentObjIds = new Map();
    this.crmSeq = 0;

    const sorted = [...DEPARTMENT_PLAN].sort((a, b) => a[0] - b[0]); // _id order = department id order
    for (const [id, name, parentId, , , extra = {}] of sorted) {
      const department = { id, name, parentId, isStop: extra.isStop === true, order: DEPARTMENT_PLAN.findIndex((d) => d[0] === id) };
      this.departments.set(id, department);
      const _id = crmId('4', ++this.crmSeq);
      this.departmentObjIds.set(id, _id);
      this.departmentRecords.set(_id, this.departmentRecord(_id, department, this.now()));
    }
    for (const employee of applyFixtures(GENERATED.map(copy))) this.insert(employee);
  }

  // ---------------------------------------------------------------- helpers for tests

  /** @param {string} employeeId @returns {Employee|undefined} a copy */
  get(employeeId) {
    const e = this.employees.get(String(employeeId));
    return e && copy(e);
  }

  /** @param {string} openUserId @returns {Employee|undefined} a copy */
  byOpenUserId(openUserId) {
    const id = this.openIndex.get(openUserId);
    return id === undefined ? undefined : this.get(id);
  }

  /**
   * Adds an employee. `name` is required; `employeeId` defaults to the next free number, everything
   * else to null / false, `departmentIds` to [999999].
   * @param {Partial<Employee> & {name: string}} fields @returns {Employee} a copy
   */
  add(fields) {
    this.checkKeys(fields);
    if (typeof fields.name !== 'string' || fields.name === '') throw new TypeError('directory.add: name is required');
    const employeeId = fields.employeeId === undefined ? String(Math.max(...[...this.employees.keys()].map(Number)) + 1) : String(fields.employeeId);
    if (!/^\d+$/.test(employeeId)) throw new TypeError('directory.add: employeeId is a numeric string');
    if (this.employees.has(employeeId)) throw new TypeError(`directory.add: employee ${employeeId} exists`);
    if ('openUserId' in fields && fields.openUserId !== openUserIdOf(employeeId)) throw new TypeError('directory.add: openUserId is derived from employeeId');
    const departmentIds = fields.departmentIds ?? [ROOT_DEPARTMENT_ID];
    /** @type {Employee} */
    const employee = {
      employeeId,
      openUserId: openUserIdOf(employeeId),
      account: `user${employeeId}`,
      name: fields.name,
      nickName: fields.name,
      mobile: null,
      email: null,
      gender: null,
      position: null,
      departmentIds,
      mainDepartmentId: departmentIds[0],
      employeeNumber: null,
      hireDate: null,
      leaderId: null,
      isStop: false,
      ...fields,
    };
    employee.employeeId = employeeId;
    employee.departmentIds = [...employee.departmentIds];
    this.checkDepartments(employee);
    this.insert(employee);
    return copy(employee);
  }

  /**
   * Changes an employee (not employeeId / openUserId); the PersonnelObj record follows, with
   * last_modified_time = the CRM clock and version + 1.
   * @param {string} employeeId @param {Partial<Employee>} fields @returns {Employee} a copy
   */
  update(employeeId, fields) {
    const employee = this.employees.get(String(employeeId));
    if (!employee) throw new TypeError(`directory.update: no employee ${employeeId}`);
    this.checkKeys(fields);
    if ('employeeId' in fields || 'openUserId' in fields) throw new TypeError('directory.update: employeeId and openUserId cannot change');
    const next = { ...employee, ...fields };
    if (fields.departmentIds && !('mainDepartmentId' in fields) && !fields.departmentIds.includes(next.mainDepartmentId)) {
      next.mainDepartmentId = fields.departmentIds[0];
    }
    this.checkDepartments(next);
    Object.assign(employee, next, { departmentIds: [...next.departmentIds] });
    const _id = this.personnelIds.get(employee.employeeId);
    const old = this.personnelRecords.get(_id);
    this.personnelRecords.set(_id, { ...this.personnelRecord(_id, employee, old.create_time), last_modified_time: this.now(), version: old.version + 1 });
    return copy(employee);
  }

  /** Employees of a department (and, with fetchChild, of every department below it), each once. */
  members(departmentId, fetchChild = false) {
    const ids = new Set([departmentId]);
    if (fetchChild) {
      // Departments are few: repeat until no new child is found.
      let grown = true;
      while (grown) {
        grown = false;
        for (const d of this.departments.values()) {
          if (d.parentId !== null && ids.has(d.parentId) && !ids.has(d.id)) {
            ids.add(d.id);
            grown = true;
          }
        }
      }
    }
    return [...this.employees.values()].filter((e) => e.departmentIds.some((d) => ids.has(d)));
  }

  /** The CRM records crm.js serves for PersonnelObj / DepartmentObj (live maps). @param {string} apiName */
  records(apiName) {
    if (apiName === 'PersonnelObj') return this.personnelRecords;
    if (apiName === 'DepartmentObj') return this.departmentRecords;
    throw new Error(`the directory has no ${apiName}`);
  }

  // ---------------------------------------------------------------- internals

  checkKeys(fields) {
    if (!fields || typeof fields !== 'object') throw new TypeError('directory: fields must be an object');
    const unknown = Object.keys(fields).filter((k) => !EMPLOYEE_KEYS.includes(k));
    if (unknown.length > 0) throw new TypeError(`directory: unknown employee field(s) ${unknown.join(', ')}`);
  }

  /** @param {Employee} e */
  checkDepartments(e) {
    if (!Array.isArray(e.departmentIds) || e.departmentIds.length === 0) throw new TypeError('directory: departmentIds must be a non-empty list');
    for (const d of e.departmentIds) if (!this.departments.has(d)) throw new TypeError(`directory: no department ${d}`);
    if (!e.departmentIds.includes(e.mainDepartmentId)) throw new TypeError('directory: mainDepartmentId must be one of departmentIds');
  }

  /** @param {Employee} employee */
  insert(employee) {
    this.employees.set(employee.employeeId, employee);
    this.openIndex.set(employee.openUserId, employee.employeeId);
    const _id = crmId('5', ++this.crmSeq);
    this.personnelIds.set(employee.employeeId, _id);
    this.personnelRecords.set(_id, this.personnelRecord(_id, employee, this.now()));
  }

  /** PersonnelObj record; empty values are left out, as records created without them. */
  personnelRecord(_id, e, createdAt) {
    const leader = e.leaderId === null ? undefined : this.openIndex.get(e.leaderId);
    const values = {
      name: e.name,
      user_id: e.employeeId,
      phone: e.mobile,
      email: e.email,
      status: e.isStop ? '1' : '0',
      main_department: [String(e.mainDepartmentId)],
      vice_departments: e.departmentIds.length > 1 ? e.departmentIds.filter((d) => d !== e.mainDepartmentId).map(String) : null,
      employee_number: e.employeeNumber,
      position: e.position,
      leader: leader === undefined ? null : [leader],
    };
    return this.crmRecord('PersonnelObj', _id, values, createdAt);
  }

  /** @param {Department} d */
  departmentRecord(_id, d, createdAt) {
    const values = { name: d.name, department_id: String(d.id), parent_id: d.parentId === null ? null : [String(d.parentId)], status: d.isStop ? '1' : '0' };
    return this.crmRecord('DepartmentObj', _id, values, createdAt);
  }

  crmRecord(apiName, _id, values, createdAt) {
    const fields = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
    return {
      _id,
      owner: [OWNER_ID],
      created_by: [OWNER_ID],
      ...fields,
      create_time: createdAt,
      last_modified_time: createdAt,
      life_status: 'normal',
      object_describe_api_name: apiName,
      tenant_id: 'sandbox',
      version: 1,
      is_deleted: false,
    };
  }

  /** A user object for /cgi/user/list, getByMobile and get; nulls left out unless includeNull. */
  detail(e, includeNull = false) {
    const out = {};
    for (const key of DETAIL_KEYS) {
      const value = key === 'departmentIds' ? [...e.departmentIds] : e[key];
      if (value !== null || includeNull) out[key] = value;
    }
    return out;
  }

  // ---------------------------------------------------------------- HTTP endpoints

  /**
   * One address-book call (server.js has done the common checks and parsed the JSON body).
   * @param {string} endpoint user.simpleList | user.list | user.getByMobile | user.get | department.list
   * @param {Record<string, any>} body
   * @returns {{ problem: import('./codes').Problem } | { extra: Record<string, any> }}
   */
  handle(endpoint, body) {
    const allowed = {
      'user.simpleList': ['departmentId', 'fetchChild'],
      'user.list': ['departmentId', 'fetchChild', 'showDepartmentIdsDetail', 'includeNull'],
      'user.getByMobile': ['mobile'],
      'user.get': ['openUserId'],
      'department.list': [],
    }[endpoint];
    if (!allowed) return bad(`unknown endpoint ${endpoint}`);
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k) && !PLATFORM_KEYS.includes(k));
    if (unknown.length > 0) return bad(`unknown field(s) ${unknown.join(', ')}`);
    for (const key of ['fetchChild', 'showDepartmentIdsDetail', 'includeNull', ...PLATFORM_KEYS]) {
      if (key in body && typeof body[key] !== 'boolean') return bad(`${key} must be a boolean`);
    }

    switch (endpoint) {
      case 'user.simpleList':
      case 'user.list': {
        const found = this.departmentOf(body.departmentId);
        if ('problem' in found) return found;
        const members = this.members(found.id, body.fetchChild === true);
        const userList = endpoint === 'user.list'
          ? members.map((e) => this.detail(e, body.includeNull === true))
          : members.map((e) => ({ openUserId: e.openUserId, name: e.name, nickName: e.nickName }));
        return { extra: { userList } };
      }
      case 'user.getByMobile': {
        if (typeof body.mobile !== 'string' || body.mobile.trim() === '') return bad('mobile is required');
        const empList = [...this.employees.values()].filter((e) => e.mobile === body.mobile).map((e) => this.detail(e));
        return { extra: { empList } };
      }
      case 'user.get': {
        if (typeof body.openUserId !== 'string' || body.openUserId === '') return bad('openUserId is required');
        const id = this.openIndex.get(body.openUserId);
        if (id === undefined) return { problem: problem(CODES.EMPLOYEE_NOT_FOUND, `no employee with openUserId ${JSON.stringify(body.openUserId)}`) };
        return { extra: this.detail(/** @type {Employee} */ (this.employees.get(id))) };
      }
      default: {
        const departments = [...this.departments.values()].sort((a, b) => a.order - b.order).map((d) => ({ ...d }));
        return { extra: { departments } };
      }
    }
  }

  /** departmentId: an integer, or a string holding one; must exist. */
  departmentOf(value) {
    if (value === undefined || value === null || value === '') return bad('departmentId is required');
    const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (!Number.isInteger(id)) return bad('departmentId must be an integer (999999 = the whole company)');
    if (!this.departments.has(id)) return { problem: problem(CODES.DEPARTMENT_NOT_FOUND, `no department ${id}`) };
    return { id };
  }
}

/** @param {string} detail */
const bad = (detail) => ({ problem: problem(CODES.INVALID_PARAMETER, detail) });

module.exports = { Directory, DIRECTORY_FIXTURES, ROOT_DEPARTMENT_ID, openUserIdOf };
