'use strict';

// The sandbox's address book (/cgi/user/*, /cgi/department/list, PersonnelObj / DepartmentObj) and the
// CRM clock tests control. Talks HTTP to a sandbox like test/sandbox.test.js; ids and counts come from
// DIRECTORY_FIXTURES, never written here.

const crypto = require('node:crypto');
const axios = require('axios');

const { createSandbox } = require('../sandbox/server');
const { CODES } = require('../sandbox/codes');
const { DIRECTORY_FIXTURES: FX } = require('../sandbox/directory');
const DEMO = require('../sandbox/demo-app');

jest.setTimeout(20000);

/** @type {ReturnType<typeof createSandbox>} */
let sb;
let base;
let token;

beforeEach(async () => {
  sb = createSandbox();
  base = await sb.listen();
  token = await getToken();
});

afterEach(async () => {
  if (sb) await sb.close();
  sb = null;
});

// ---------------------------------------------------------------- client helpers (as in test/sandbox.test.js)

/** POST and never throw on HTTP status. */
function post(pathname, data, { headers = {}, query = `thirdTraceId=${crypto.randomUUID()}` } = {}) {
  return axios.post(`${base}${pathname}${query ? `?${query}` : ''}`, data, {
    headers: { 'content-type': 'application/json', ...headers },
    validateStatus: () => true,
  });
}

async function getToken() {
  const res = await post('/oauth2.0/token', { appId: DEMO.appId, appSecret: DEMO.appSecret, permanentCode: DEMO.permanentCode, grantType: 'app_secret' });
  expect(res.data.errorCode).toBe(0);
  return res.data.accessToken;
}

const authHeaders = () => ({ authorization: `Bearer ${token}`, 'x-fs-ea': DEMO.ea, 'x-fs-userid': DEMO.userId });

/** Business call with valid auth; resolves with the JSON body. */
async function call(pathname, data, headers = {}) {
  const res = await post(pathname, data, { headers: { ...authHeaders(), ...headers } });
  expect(res.status).toBe(200);
  return res.data;
}

const simpleList = (departmentId, fetchChild) => call('/cgi/user/simpleList', fetchChild === undefined ? { departmentId } : { departmentId, fetchChild });
const userList = (body) => call('/cgi/user/list', body);

/** /cgi/crm/v2/data/query; `info` is search_query_info. */
const query = (apiName, info, total = true) =>
  call('/cgi/crm/v2/data/query', { data: { dataObjectApiName: apiName, find_explicit_total_num: total, search_query_info: { limit: 100, offset: 0, ...info } } });
const filter = (field_name, operator, ...field_values) => ({ field_name, operator, field_values });

const DETAIL_KEYS = ['openUserId', 'account', 'name', 'nickName', 'isStop', 'email', 'mobile', 'gender', 'position', 'departmentIds', 'mainDepartmentId', 'employeeNumber', 'hireDate', 'leaderId'];

// ---------------------------------------------------------------- /cgi/user/simpleList and /cgi/user/list

describe('department members', () => {
  test('999999 with fetchChild is the whole company, stopped employees included', async () => {
    const res = await simpleList(FX.rootDepartmentId, true);
    expect(res).toMatchObject({ errorCode: 0, errorMessage: expect.any(String), errorDescription: expect.any(String), traceId: expect.stringMatching(/^E-O\.sandbox\./) });
    expect(res.userList).toHaveLength(FX.employeeCount);
    expect(new Set(res.userList.map((u) => u.openUserId)).size).toBe(FX.employeeCount);
    for (const u of res.userList) {
      expect(Object.keys(u).sort()).toEqual(['name', 'nickName', 'openUserId']);
      expect(u.openUserId).toMatch(/^FSUID_[0-9A-F]{32}$/);
    }
    expect(res.userList.map((u) => u.openUserId)).toContain(FX.stopped.openUserId);
  });

  test('999999 without fetchChild lists only the root department itself (the CEO)', async () => {
    const res = await simpleList(FX.rootDepartmentId);
    expect(res.userList).toEqual([{ openUserId: FX.ceo.openUserId, name: FX.ceo.name, nickName: expect.any(String) }]);
  });

  test('a department with sub-departments, with and without fetchChild', async () => {
    const { departmentId, directMembers, allMembers, descendantIds } = FX.departmentWithChildren;
    const direct = await userList({ departmentId, fetchChild: false });
    expect(direct.userList).toHaveLength(directMembers);
    for (const u of direct.userList) expect(u.departmentIds).toContain(departmentId);

    const all = await userList({ departmentId, fetchChild: true });
    expect(all.userList).toHaveLength(allMembers);
    expect(allMembers).toBeGreaterThan(directMembers);
    for (const u of all.userList) expect(u.departmentIds.some((d) => [departmentId, ...descendantIds].includes(d))).toBe(true);
    // the simple list names the same people
    const simple = await simpleList(departmentId, true);
    expect(simple.userList.map((u) => u.openUserId)).toEqual(all.userList.map((u) => u.openUserId));
  });

  test('a leaf department gives the same members with or without fetchChild; a numeric string id works', async () => {
    const { departmentId, members } = FX.leafDepartment;
    const a = await simpleList(departmentId);
    const b = await simpleList(String(departmentId), true);
    expect(a.userList).toHaveLength(members);
    expect(b.userList).toEqual(a.userList);
  });

  test('an employee of two departments is listed in both, and once for the whole company', async () => {
    const { openUserId, departmentIds } = FX.multiDepartment;
    for (const d of departmentIds) expect((await simpleList(d)).userList.map((u) => u.openUserId)).toContain(openUserId);
    const all = await simpleList(FX.rootDepartmentId, true);
    expect(all.userList.filter((u) => u.openUserId === openUserId)).toHaveLength(1);
  });

  test('unknown department: errorCode 30007; bad bodies: 15002', async () => {
    const unknown = await simpleList(FX.unknownDepartmentId, true);
    expect(unknown).toMatchObject({ errorCode: CODES.DEPARTMENT_NOT_FOUND.errorCode, traceId: expect.any(String) });
    expect(unknown.userList).toBeUndefined();
    expect((await userList({ departmentId: FX.unknownDepartmentId })).errorCode).toBe(30007);
    for (const body of [{}, { departmentId: '10x' }, { departmentId: 1.5 }, { departmentId: 1012, fetchChild: 'yes' }, { departmentId: 1012, extra: 1 }]) {
      expect((await call('/cgi/user/simpleList', body)).errorCode).toBe(CODES.INVALID_PARAMETER.errorCode);
    }
    expect((await userList({ departmentId: 1012, includeNull: 1 })).errorCode).toBe(15002);
  });

  test('the detailed list carries API.md §13 fields (no employee ID), stopped employees with isStop', async () => {
    const res = await userList({ departmentId: FX.rootDepartmentId, fetchChild: true, showDepartmentIdsDetail: true });
    expect(res.errorCode).toBe(0);
    expect(res.userList).toHaveLength(FX.employeeCount);
    const ceo = res.userList.find((u) => u.openUserId === FX.ceo.openUserId);
    expect(Object.keys(ceo).sort()).toEqual(DETAIL_KEYS.filter((k) => k !== 'leaderId').sort()); // the CEO has no leader
    const stopped = res.userList.find((u) => u.openUserId === FX.stopped.openUserId);
    expect(stopped).toMatchObject({ isStop: true, mobile: FX.stopped.mobile, email: FX.stopped.email, name: FX.stopped.name, departmentIds: [FX.stopped.departmentId], mainDepartmentId: FX.stopped.departmentId });
    expect(Object.keys(stopped).sort()).toEqual([...DETAIL_KEYS].sort());
    expect(stopped.leaderId).toMatch(/^FSUID_/);
    expect(stopped.employeeNumber).not.toBe(FX.stopped.employeeId);
    for (const u of res.userList) {
      expect(u).not.toHaveProperty('employeeId');
      expect(typeof u.isStop).toBe('boolean');
      expect(u.departmentIds.every(Number.isInteger)).toBe(true);
    }
    const mobiles = res.userList.map((u) => u.mobile).filter(Boolean);
    expect(new Set(mobiles).size).toBe(mobiles.length);
    expect(mobiles.every((m) => /^1\d{10}$/.test(m))).toBe(true);
    const emails = res.userList.map((u) => u.email).filter(Boolean);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.every((e) => e === e.toLowerCase())).toBe(true);
    expect(res.userList.filter((u) => u.name === FX.duplicateName.name).map((u) => u.openUserId)).toEqual(FX.duplicateName.openUserIds);
  });

  test('empty values are left out unless includeNull', async () => {
    const find = (res, id) => res.userList.find((u) => u.openUserId === id);
    const plain = await userList({ departmentId: FX.rootDepartmentId, fetchChild: true });
    expect(find(plain, FX.noMobile.openUserId)).not.toHaveProperty('mobile');
    expect(find(plain, FX.noEmail.openUserId)).not.toHaveProperty('email');
    const withNull = await userList({ departmentId: FX.rootDepartmentId, fetchChild: true, includeNull: true });
    expect(find(withNull, FX.noMobile.openUserId)).toMatchObject({ mobile: null, email: FX.noMobile.email });
    expect(find(withNull, FX.noEmail.openUserId)).toMatchObject({ email: null, mobile: FX.noEmail.mobile });
  });

  test('common checks and faults by endpoint name apply', async () => {
    const noAuth = await post('/cgi/user/list', { departmentId: 999999 });
    expect(noAuth.data.errorCode).toBe(CODES.NO_CREDENTIALS.errorCode);
    const noTrace = await post('/cgi/user/list', { departmentId: 999999 }, { headers: authHeaders(), query: '' });
    expect(noTrace.data.errorCode).toBe(CODES.PARAMETER_ERROR.errorCode);
    const noUser = await post('/cgi/user/list', { departmentId: 999999 }, { headers: { ...authHeaders(), 'x-fs-userid': '' } });
    expect(noUser.data.errorCode).toBe(32000);

    sb.injectNext('busy', 1, 'user.list');
    expect((await userList({ departmentId: 999999 })).errorCode).toBe(-1);
    expect((await userList({ departmentId: 999999 })).errorCode).toBe(0);
    sb.injectNext('http502', 1, 'department.list');
    expect((await post('/cgi/department/list', {}, { headers: authHeaders() })).status).toBe(502);
    expect(sb.requests.map((r) => r.endpoint)).toEqual(expect.arrayContaining(['user.list', 'department.list']));
    expect(() => sb.injectNext('busy', 1, 'user.nope')).toThrow(/unknown endpoint/);
  });
});

// ---------------------------------------------------------------- deprecated fallbacks

describe('deprecated Offline API calls', () => {
  test('getByMobile: a hit (stopped employees too), a miss, a bad body', async () => {
    const hit = await call('/cgi/user/getByMobile', { mobile: FX.noEmail.mobile });
    expect(hit.errorCode).toBe(0);
    expect(hit.empList).toEqual([expect.objectContaining({ openUserId: FX.noEmail.openUserId, name: FX.noEmail.name, isStop: false })]);
    const stopped = await call('/cgi/user/getByMobile', { mobile: FX.stopped.mobile });
    expect(stopped.empList).toEqual([expect.objectContaining({ openUserId: FX.stopped.openUserId, isStop: true })]);
    const miss = await call('/cgi/user/getByMobile', { mobile: FX.unknownMobile });
    expect(miss).toMatchObject({ errorCode: 0, empList: [] });
    expect((await call('/cgi/user/getByMobile', {})).errorCode).toBe(15002);
  });

  test('get: the user at top level, 30027 when unknown', async () => {
    const res = await call('/cgi/user/get', { openUserId: FX.stopped.openUserId });
    expect(res).toMatchObject({ errorCode: 0, traceId: expect.any(String), openUserId: FX.stopped.openUserId, name: FX.stopped.name, isStop: true, mobile: FX.stopped.mobile });
    const unknown = await call('/cgi/user/get', { openUserId: 'FSUID_00000000000000000000000000000000' });
    expect(unknown.errorCode).toBe(CODES.EMPLOYEE_NOT_FOUND.errorCode);
    expect(unknown.name).toBeUndefined();
  });

  test('department list', async () => {
    const res = await call('/cgi/department/list', {});
    expect(res.errorCode).toBe(0);
    expect(res.departments).toHaveLength(FX.departmentCount);
    for (const d of res.departments) expect(Object.keys(d).sort()).toEqual(['id', 'isStop', 'name', 'order', 'parentId']);
    const byId = new Map(res.departments.map((d) => [d.id, d]));
    expect(byId.get(FX.rootDepartmentId)).toMatchObject({ parentId: null, isStop: false });
    expect(byId.get(FX.leafDepartment.departmentId)).toMatchObject({ name: FX.leafDepartment.name, parentId: FX.leafDepartment.parentId });
    expect(byId.get(FX.stoppedDepartment.departmentId)).toMatchObject({ isStop: true });
    for (const child of FX.departmentWithChildren.childIds) expect(byId.get(child).parentId).toBe(FX.departmentWithChildren.departmentId);
    expect((await call('/cgi/department/list', { departmentId: 1 })).errorCode).toBe(15002);
  });
});

// ---------------------------------------------------------------- test helpers on the directory

describe('sb.directory', () => {
  test('add and update show up in /cgi/user/* and in PersonnelObj', async () => {
    const added = sb.directory.add({ name: '测试员', mobile: '13912345678', email: 'tester@example.com', departmentIds: [FX.leafDepartment.departmentId] });
    expect(added.employeeId).toBe(String(1000 + FX.employeeCount));
    expect((await simpleList(FX.leafDepartment.departmentId)).userList.map((u) => u.openUserId)).toContain(added.openUserId);
    expect((await call('/cgi/user/getByMobile', { mobile: '13912345678' })).empList).toEqual([expect.objectContaining({ openUserId: added.openUserId })]);
    const [record] = (await query('PersonnelObj', { filters: [filter('phone', 'EQ', '13912345678')] })).data.dataList;
    expect(record).toMatchObject({ user_id: added.employeeId, name: '测试员', status: '0', version: 1 });

    sb.crm.setClock(1_700_000_000_000);
    sb.directory.update(added.employeeId, { isStop: true, mobile: '13912345679' });
    expect((await call('/cgi/user/get', { openUserId: added.openUserId })).isStop).toBe(true);
    const after = (await query('PersonnelObj', { filters: [filter('user_id', 'EQ', added.employeeId)] })).data.dataList[0];
    expect(after).toMatchObject({ _id: record._id, status: '1', phone: '13912345679', version: 2, create_time: record.create_time, last_modified_time: 1_700_000_000_000 });

    expect(() => sb.directory.add({ name: 'x', departmentIds: [FX.unknownDepartmentId] })).toThrow(/no department/);
    expect(() => sb.directory.update(added.employeeId, { openUserId: 'FSUID_X' })).toThrow();
    expect(() => sb.directory.update('1', { name: 'x' })).toThrow(/no employee/);
  });

  test('reset() rebuilds the same directory', async () => {
    const before = (await userList({ departmentId: FX.rootDepartmentId, fetchChild: true })).userList;
    sb.directory.add({ name: 'Temp' });
    sb.directory.update(FX.ceo.employeeId, { name: 'Changed' });
    sb.reset();
    token = await getToken();
    expect((await userList({ departmentId: FX.rootDepartmentId, fetchChild: true })).userList).toEqual(before);
    expect((await query('PersonnelObj', {}, true)).data.total).toBe(FX.employeeCount);
  });
});

// ---------------------------------------------------------------- PersonnelObj / DepartmentObj

describe('PersonnelObj and DepartmentObj', () => {
  test('are known objects with described fields', async () => {
    const list = await call('/cgi/crm/v2/object/list', {});
    expect(list.data.objects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ describeApiName: 'PersonnelObj', describeDisplayName: 'Personnel', defineType: 'package' }),
        expect.objectContaining({ describeApiName: 'DepartmentObj', describeDisplayName: 'Department' }),
      ]),
    );
    const describe = await call('/cgi/crm/v2/object/describe', { data: { apiName: 'PersonnelObj' } });
    expect(Object.keys(describe.data.describe.fields)).toEqual(expect.arrayContaining(['name', 'user_id', 'phone', 'email', 'status', 'main_department', 'employee_number', 'position', 'create_time']));
  });

  test('PersonnelObj by phone, email, name and user_id (EQ and IN)', async () => {
    const { stopped, noEmail, duplicateName } = FX;
    const one = async (...filters) => {
      const res = await query('PersonnelObj', { filters });
      expect(res.errorCode).toBe(0);
      return res.data.dataList;
    };
    expect(await one(filter('phone', 'EQ', noEmail.mobile))).toEqual([expect.objectContaining({ user_id: noEmail.employeeId, name: noEmail.name, status: '0' })]);
    expect(await one(filter('email', 'EQ', stopped.email))).toEqual([expect.objectContaining({ user_id: stopped.employeeId, phone: stopped.mobile, status: '1', main_department: [String(stopped.departmentId)] })]);
    expect(await one(filter('user_id', 'EQ', FX.ceo.employeeId))).toEqual([expect.objectContaining({ name: FX.ceo.name, main_department: [String(FX.rootDepartmentId)] })]);

    const twins = await one(filter('name', 'EQ', duplicateName.name));
    expect(twins.map((r) => r.user_id).sort()).toEqual([...duplicateName.employeeIds].sort());
    expect(twins.map((r) => r.main_department[0]).sort()).toEqual(duplicateName.departmentIds.map(String).sort());

    const byIds = await one(filter('user_id', 'IN', stopped.employeeId, noEmail.employeeId, '99999'));
    expect(byIds.map((r) => r.user_id).sort()).toEqual([stopped.employeeId, noEmail.employeeId].sort());
    const byPhones = await one(filter('phone', 'IN', stopped.mobile, noEmail.mobile));
    expect(byPhones).toHaveLength(2);
    expect(await one(filter('email', 'IN', 'nobody@example.com'))).toEqual([]);
    expect(await one(filter('name', 'LIKE', '张'), filter('status', 'EQ', '1'))).toEqual([expect.objectContaining({ user_id: stopped.employeeId })]);
    expect(await one(filter('phone', 'IS'), filter('user_id', 'EQ', FX.noMobile.employeeId))).toHaveLength(1);
    // the employee ID a send takes is user_id, never the HR number
    for (const r of await one(filter('user_id', 'IN', ...duplicateName.employeeIds))) expect(r.employee_number).not.toBe(r.user_id);
  });

  test('PersonnelObj paging by _id cursor and fieldProjection', async () => {
    const seen = [];
    let last = null;
    for (;;) {
      const res = await query('PersonnelObj', { limit: 100, filters: last ? [filter('_id', 'GT', last)] : [], orders: [{ fieldName: '_id', isAsc: true }], fieldProjection: ['user_id', 'name'] }, false);
      const page = res.data.dataList;
      if (page.length === 0) break;
      for (const r of page) expect(Object.keys(r).sort()).toEqual(['_id', 'name', 'user_id']);
      seen.push(...page);
      last = page[page.length - 1]._id;
    }
    expect(seen).toHaveLength(FX.employeeCount);
    expect(new Set(seen.map((r) => r.user_id)).size).toBe(FX.employeeCount);
  });

  test('DepartmentObj by parent, status and department_id', async () => {
    const { departmentId, childIds } = FX.departmentWithChildren;
    const children = await query('DepartmentObj', { filters: [filter('parent_id', 'EQ', String(departmentId))] });
    expect(children.data.dataList.map((r) => r.department_id).sort()).toEqual(childIds.map(String).sort());
    const disabled = await query('DepartmentObj', { filters: [filter('status', 'EQ', '1')] });
    expect(disabled.data.dataList).toEqual([expect.objectContaining({ department_id: String(FX.stoppedDepartment.departmentId), name: FX.stoppedDepartment.name })]);
    const some = await query('DepartmentObj', { filters: [filter('department_id', 'IN', String(FX.rootDepartmentId), String(FX.leafDepartment.departmentId))] });
    const root = some.data.dataList.find((r) => r.department_id === String(FX.rootDepartmentId));
    expect(root).not.toHaveProperty('parent_id');
    expect(some.data.dataList.find((r) => r.department_id === String(FX.leafDepartment.departmentId)).parent_id).toEqual([String(FX.leafDepartment.parentId)]);
    expect((await query('DepartmentObj', {})).data.total).toBe(FX.departmentCount);
  });

  test('writes through the CRM data API and direct helpers are refused', async () => {
    const [record] = (await query('PersonnelObj', { limit: 1 })).data.dataList;
    const bodies = {
      create: { data: { object_data: { dataObjectApiName: 'PersonnelObj', name: 'New' } } },
      update: { data: { object_data: { dataObjectApiName: 'PersonnelObj', _id: record._id, name: 'X' } } },
      invalid: { data: { dataObjectApiName: 'PersonnelObj', object_data_id: record._id } },
      delete: { data: { dataObjectApiName: 'DepartmentObj', idList: [record._id] } },
      changeOwner: { data: { dataObjectApiName: 'PersonnelObj', Data: [{ objectDataId: record._id, ownerId: ['1001'] }] } },
    };
    for (const [action, body] of Object.entries(bodies)) {
      const res = await call(`/cgi/crm/v2/data/${action}`, body);
      expect(res.errorCode).toBe(CODES.OBJECT_READ_ONLY.errorCode);
      expect(res.errorDescription).toMatch(/mirrors the address book/);
    }
    expect((await call('/cgi/crm/v2/data/get', { data: { dataObjectApiName: 'PersonnelObj', objectDataId: record._id } })).data.name).toBe(record.name);
    expect(() => sb.crm.put('PersonnelObj', { name: 'x' })).toThrow(/directory/);
    expect(() => sb.crm.seed('DepartmentObj', 1)).toThrow(/directory/);
    expect(sb.crm.writes).toEqual([]);
  });

  test('permission gate: PersonnelObj finds nothing, /cgi/user/* and DepartmentObj still answer', async () => {
    const [record] = (await query('PersonnelObj', { limit: 1 })).data.dataList;
    sb.configure({ personnelPermission: false });
    const gated = await query('PersonnelObj', { filters: [filter('phone', 'EQ', FX.noEmail.mobile)] });
    expect(gated).toMatchObject({ errorCode: 0, data: { dataList: [], total: 0 } });
    expect((await query('PersonnelObj', {})).data).toMatchObject({ dataList: [], total: 0 });
    expect((await query('PersonnelObj', { filters: [filter('nope', 'EQ', 1)] })).errorCode).toBe(15002); // still validated
    expect((await call('/cgi/crm/v2/data/get', { data: { dataObjectApiName: 'PersonnelObj', objectDataId: record._id } })).errorCode).toBe(CODES.RECORD_NOT_FOUND.errorCode);
    expect((await query('DepartmentObj', {})).data.total).toBe(FX.departmentCount);
    expect((await userList({ departmentId: FX.rootDepartmentId, fetchChild: true })).userList).toHaveLength(FX.employeeCount);
    expect((await call('/cgi/user/getByMobile', { mobile: FX.noEmail.mobile })).empList).toHaveLength(1);

    sb.configure({ personnelPermission: true });
    expect((await query('PersonnelObj', { filters: [filter('phone', 'EQ', FX.noEmail.mobile)] })).data.total).toBe(1);
    expect(() => sb.configure({ personnelPermission: 'no' })).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------- the CRM clock

describe('CRM clock and direct record helpers', () => {
  const T = 1_750_000_000_000;
  const changedSince = (ms, more = {}) =>
    query('AccountObj', { filters: [filter('last_modified_time', 'GTE', ms)], orders: [{ fieldName: 'last_modified_time', isAsc: true }, { fieldName: '_id', isAsc: true }], ...more });

  test('setClock freezes, advance moves, setClock(null) follows the sandbox clock', () => {
    sb.crm.setClock(T);
    expect(sb.crm.now()).toBe(T);
    sb.crm.advance(5);
    expect(sb.crm.now()).toBe(T + 5);
    sb.crm.setClock(null);
    expect(Math.abs(sb.crm.now() - sb.now())).toBeLessThan(50);
    sb.crm.advance(60_000);
    expect(sb.crm.now() - sb.now()).toBeGreaterThan(59_000);
    sb.crm.setClock(null);
    sb.advanceTime(3600);
    expect(Math.abs(sb.crm.now() - sb.now())).toBeLessThan(50); // follows sandbox.advanceTime
    expect(() => sb.crm.setClock('now')).toThrow(TypeError);
  });

  test('put / change / remove: times from the clock, version counts up, create_time kept', () => {
    sb.crm.setClock(T);
    const id = sb.crm.put('AccountObj', { name: 'A', employees: '1' });
    const record = () => sb.crm.objects.get('AccountObj').records.get(id);
    expect(record()).toMatchObject({ _id: id, name: 'A', create_time: T, last_modified_time: T, version: 1, life_status: 'normal' });
    sb.crm.change('AccountObj', id, { employees: '2' });
    expect(record()).toMatchObject({ employees: '2', create_time: T, last_modified_time: T, version: 2 });
    sb.crm.advance(1);
    sb.crm.change('AccountObj', id, { name: 'B' });
    expect(record()).toMatchObject({ name: 'B', create_time: T, last_modified_time: T + 1, version: 3 });
    expect(() => sb.crm.put('AccountObj', { employees: '1' })).toThrow(/required/);
    expect(() => sb.crm.change('AccountObj', id, { employees: 2 })).toThrow(/numeric string/);
    sb.crm.remove('AccountObj', id);
    expect(record()).toBeUndefined();
    expect(() => sb.crm.remove('AccountObj', id)).toThrow(/no record/);
    expect(sb.crm.writes).toEqual([]); // direct helpers are not API writes
  });

  test('several changes in one millisecond are all returned by a GTE poll, ordered by time then _id', async () => {
    sb.crm.setClock(T - 10);
    const old = sb.crm.put('AccountObj', { name: 'Old' });
    sb.crm.setClock(T);
    const ids = ['C', 'A', 'B'].map((name) => sb.crm.put('AccountObj', { name }));
    sb.crm.change('AccountObj', old, { remark: 'touched in the same ms' });
    sb.crm.advance(1);
    const later = sb.crm.put('AccountObj', { name: 'Later' });

    const res = await changedSince(T);
    expect(res.errorCode).toBe(0);
    expect(res.data.total).toBe(5);
    // same ms (T): the three new ones and the changed old one, by _id; then T + 1
    expect(res.data.dataList.map((r) => r._id)).toEqual([...[old, ...ids].sort(), later]);
    expect(res.data.dataList.map((r) => r.last_modified_time)).toEqual([T, T, T, T, T + 1]);

    const created = await query('AccountObj', { filters: [filter('create_time', 'GTE', T)], orders: [{ fieldName: 'create_time', isAsc: true }, { fieldName: '_id', isAsc: true }] });
    expect(created.data.dataList.map((r) => r._id)).toEqual([...ids, later]);

    const projected = await changedSince(T, { fieldProjection: ['name', 'last_modified_time'] });
    for (const r of projected.data.dataList) expect(Object.keys(r).sort()).toEqual(['_id', 'last_modified_time', 'name']);

    // a page boundary inside one millisecond: offset paging returns each record once
    const first = await changedSince(T, { limit: 2, offset: 0 });
    const second = await changedSince(T, { limit: 2, offset: 2 });
    const third = await changedSince(T, { limit: 2, offset: 4 });
    expect([...first.data.dataList, ...second.data.dataList, ...third.data.dataList].map((r) => r._id)).toEqual(res.data.dataList.map((r) => r._id));

    sb.crm.remove('AccountObj', ids[1]);
    expect((await changedSince(T)).data.total).toBe(4);
  });

  test('_id GT cursor paging over records', async () => {
    sb.crm.setClock(T);
    const ids = Array.from({ length: 7 }, (_, i) => sb.crm.put('LeadsObj', { name: `Lead ${i}` }));
    const seen = [];
    let last = null;
    for (;;) {
      const page = (await query('LeadsObj', { limit: 3, filters: last ? [filter('_id', 'GT', last)] : [], orders: [{ fieldName: '_id', isAsc: true }] })).data.dataList;
      if (page.length === 0) break;
      seen.push(...page.map((r) => r._id));
      last = seen[seen.length - 1];
    }
    expect(seen).toEqual(ids);
  });

  test('HTTP updates, invalidations and owner changes bump last_modified_time to the clock and version', async () => {
    sb.crm.setClock(T);
    const id = sb.crm.put('AccountObj', { name: 'Acme' });
    sb.crm.advance(7);
    const update = await call('/cgi/crm/v2/data/update', { data: { object_data: { dataObjectApiName: 'AccountObj', _id: id, employees: '9' } } });
    expect(update.errorCode).toBe(0);
    const record = () => sb.crm.objects.get('AccountObj').records.get(id);
    expect(record()).toMatchObject({ employees: '9', create_time: T, last_modified_time: T + 7, version: 2 });
    sb.crm.advance(1);
    await call('/cgi/crm/v2/data/changeOwner', { data: { dataObjectApiName: 'AccountObj', Data: [{ objectDataId: id, ownerId: ['1001'] }] } });
    expect(record()).toMatchObject({ owner: ['1001'], last_modified_time: T + 8, version: 3 });
    const created = await call('/cgi/crm/v2/data/create', { data: { object_data: { dataObjectApiName: 'AccountObj', name: 'Http' } } });
    expect(sb.crm.objects.get('AccountObj').records.get(created.dataId)).toMatchObject({ create_time: T + 8, last_modified_time: T + 8 });
    expect((await changedSince(T + 8)).data.dataList.map((r) => r._id)).toEqual([id, created.dataId]);
    sb.crm.advance(1);
    expect((await call('/cgi/crm/v2/data/invalid', { data: { dataObjectApiName: 'AccountObj', object_data_id: id } })).errorCode).toBe(0);
    expect(record()).toMatchObject({ life_status: 'invalid', last_modified_time: T + 9, version: 4 });
    const invalidated = await changedSince(T + 9, { filters: [filter('last_modified_time', 'GTE', T + 9), filter('life_status', 'EQ', 'invalid')] });
    expect(invalidated.data.dataList.map((r) => r._id)).toEqual([id]);
  });

  test('reset() lets the CRM clock follow the sandbox clock again', () => {
    sb.crm.setClock(T);
    sb.reset();
    expect(Math.abs(sb.crm.now() - Date.now())).toBeLessThan(50);
  });
});

// ---------------------------------------------------------------- the deepest offset

describe('CRM offsets', () => {
  test("past Fxiaoke's deepest offset (10,000) a query gets the deep-paging error; crmMaxOffset lowers it", async () => {
    expect((await query('LeadsObj', { offset: 10000 })).errorCode).toBe(0);
    expect((await query('LeadsObj', { offset: 10100 })).errorCode).toBe(CODES.DEEP_PAGING.errorCode);
    sb.configure({ crmMaxOffset: 1000 });
    expect((await query('LeadsObj', { offset: 1000 })).errorCode).toBe(0);
    expect((await query('LeadsObj', { offset: 1100 })).errorCode).toBe(CODES.DEEP_PAGING.errorCode);
    expect(() => sb.configure({ crmMaxOffset: -1 })).toThrow(/crmMaxOffset/);
  });
});
