// Employee and Department resources, the recipient picker and sends to mobile numbers / e-mail
// addresses, against the sandbox's directory over real HTTP, with the node's own execute().
const { NodeOperationError } = require('n8n-workflow');
const { DIRECTORY_FIXTURES: FX } = require('../sandbox/directory');
const { runNode, createLoadOptionsContext, sandboxCredential, useSandbox } = require('./support/harness');
const methods = require('../nodes/Fxiaoke/methods');

let sandbox;
let baseUrl;

useSandbox({ each: { personnelPermission: true, rateLimit: null } }, (env) => ({ sandbox, baseUrl } = env));

const run = (params, { items = [{}], continueOnFail = false, credential = sandboxCredential(baseUrl) } = {}) =>
	runNode({ items, parameters: typeof params === 'function' ? params : () => params, credential, continueOnFail });
const json = (output) => output[0].map((o) => o.json);
const queries = (apiName) => sandbox.requests.filter((r) => r.endpoint === 'crm.query' && r.body?.data?.dataObjectApiName === apiName);
const sends = () => sandbox.requests.filter((r) => r.endpoint === 'send');
/** Employees as the sandbox holds them (its live directory). */
const everyone = () => [...sandbox.directory.employees.values()];
const text = (extra) => ({ resource: 'message', operation: 'sendText', content: 'hi', ...extra });

describe('Employee', () => {
	test('Get: one item with the employee ID a send takes, and the rest of the record', async () => {
		const [want] = everyone().filter((e) => e.employeeId === FX.noEmail.employeeId);
		const [item] = json(await run({ resource: 'employee', operation: 'get', employeeId: want.employeeId }));
		expect(item).toEqual({
			employeeId: want.employeeId,
			name: want.name,
			mobile: want.mobile,
			email: null,
			departmentIds: [String(want.mainDepartmentId)],
			mainDepartmentId: String(want.mainDepartmentId),
			position: want.position,
			employeeNumber: want.employeeNumber,
			status: 'active',
			isStop: false,
			recordId: expect.any(String),
		});
		expect(queries('PersonnelObj')).toHaveLength(1);
	});

	test('Get: an unknown ID is an error naming it; with the permission gate, the error says so instead', async () => {
		const unknown = await run({ resource: 'employee', operation: 'get', employeeId: '99999' }).catch((e) => e);
		expect(unknown).toBeInstanceOf(NodeOperationError);
		expect(unknown.message).toBe('No employee has the ID "99999", in item 0');
		sandbox.configure({ personnelPermission: false });
		const gated = await run({ resource: 'employee', operation: 'get', employeeId: FX.ceo.employeeId }).catch((e) => e);
		expect(gated.message).toBe('Fxiaoke returned no employee data at all (PersonnelObj), in item 0');
		expect(gated.description).toMatch(/data permission on Personnel/);
	});

	test('Find by mobile (written with +86 and dashes), by e-mail in capitals, by a name two people share', async () => {
		const [one] = json(await run({ resource: 'employee', operation: 'find', findBy: 'mobile', value: `+86 ${FX.noEmail.mobile.slice(0, 3)}-${FX.noEmail.mobile.slice(3)}` }));
		expect(one.employeeId).toBe(FX.noEmail.employeeId);
		const [byMail] = json(await run({ resource: 'employee', operation: 'find', findBy: 'email', value: FX.stopped.email.toUpperCase() }));
		expect(byMail).toMatchObject({ employeeId: FX.stopped.employeeId, status: 'stopped', isStop: true });
		const twins = json(await run({ resource: 'employee', operation: 'find', findBy: 'name', value: FX.duplicateName.name }));
		expect(twins.map((e) => e.employeeId).sort()).toEqual([...FX.duplicateName.employeeIds].sort());
	});

	test('Find and sends by e-mail: an address Fxiaoke stores with capitals is found when written as stored, and written in lower case the answer is matched regardless of case', async () => {
		const id = FX.noEmail.employeeId;
		sandbox.directory.update(id, { email: 'Li.Na@Sandbox-Corp.example.com' });
		const [found] = json(await run({ resource: 'employee', operation: 'find', findBy: 'email', value: ' Li.Na@Sandbox-Corp.example.com ' }));
		expect(found).toMatchObject({ employeeId: id, email: 'Li.Na@Sandbox-Corp.example.com' });
		const asked = queries('PersonnelObj').at(-1).body.data.search_query_info.filters;
		expect(asked).toEqual([{ field_name: 'email', field_values: ['li.na@sandbox-corp.example.com', 'Li.Na@Sandbox-Corp.example.com'], operator: 'IN' }]);
		await run(text({ recipientType: 'emailAddresses', toUser: 'Li.Na@Sandbox-Corp.example.com' }));
		expect(sends().at(-1).body.toUser).toEqual([id]);
	});

	test('Find: no match is no item (and one extra query that shows the app sees employees); the permission gate is an error', async () => {
		const output = await run({ resource: 'employee', operation: 'find', findBy: 'mobile', value: FX.unknownMobile });
		expect(output[0]).toEqual([]);
		expect(queries('PersonnelObj')).toHaveLength(2);
		sandbox.configure({ personnelPermission: false });
		const gated = await run({ resource: 'employee', operation: 'find', findBy: 'mobile', value: FX.unknownMobile }).catch((e) => e);
		expect(gated.message).toMatch(/no employee data at all/);
	});

	test('Get Many: a department with and without its sub-departments, stopped employees included and marked', async () => {
		const { departmentId, descendantIds } = FX.departmentWithChildren;
		const inAny = (ids) => everyone().filter((e) => e.departmentIds.some((d) => ids.includes(d))).map((e) => e.employeeId).sort();
		const all = json(await run({ resource: 'employee', operation: 'getAll', departmentId: String(departmentId), includeSubDepartments: true, returnAll: true }));
		expect(all.map((e) => e.employeeId).sort()).toEqual(inAny([departmentId, ...descendantIds]));
		const direct = json(await run({ resource: 'employee', operation: 'getAll', departmentId: String(departmentId), includeSubDepartments: false, returnAll: true }));
		expect(direct.map((e) => e.employeeId).sort()).toEqual(inAny([departmentId]));
		const withStopped = json(await run({ resource: 'employee', operation: 'getAll', departmentId: String(FX.stopped.departmentId), includeSubDepartments: false, returnAll: true }));
		expect(withStopped.find((e) => e.employeeId === FX.stopped.employeeId)).toMatchObject({ status: 'stopped' });
	});

	test('Get Many: members whose main department is another are members too; departmentIds lists all, mainDepartmentId the main one', async () => {
		const target = FX.multiDepartment.departmentIds[1]; // 1050: not the fixture's main department
		// four more employees of other departments join it besides their main one
		const joined = everyone().filter((e) => e.departmentIds.length === 1 && e.mainDepartmentId !== target && e.mainDepartmentId !== FX.rootDepartmentId).slice(0, 4);
		for (const e of joined) sandbox.directory.update(e.employeeId, { departmentIds: [e.mainDepartmentId, target] });
		const getMany = async () => json(await run({ resource: 'employee', operation: 'getAll', departmentId: String(target), includeSubDepartments: false, returnAll: true }));
		const members = await getMany();
		const inMain = everyone().filter((e) => e.mainDepartmentId === target).map((e) => e.employeeId);
		const others = [FX.multiDepartment.employeeId, ...joined.map((e) => e.employeeId)];
		expect(members.map((e) => e.employeeId).sort()).toEqual([...inMain, ...others].sort());
		expect(members.find((e) => e.employeeId === FX.multiDepartment.employeeId)).toMatchObject({ departmentIds: ['1013', '1050'], mainDepartmentId: '1013' });
		const ids = members.map((e) => e.recordId);
		expect(ids).toEqual([...ids].sort()); // record order
		// Limit counts members, not the rows of the two queries
		const two = json(await run({ resource: 'employee', operation: 'getAll', departmentId: String(target), includeSubDepartments: false, returnAll: false, limit: 2 }));
		expect(two.map((e) => e.recordId)).toEqual(ids.slice(0, 2));
		// A tenant whose PersonnelObj has no other-departments field: main departments only, said in the docs
		sandbox.configure({ personnelOtherDepartments: false });
		const mainOnly = await getMany();
		expect(mainOnly.map((e) => e.employeeId).sort()).toEqual([...inMain].sort());
		const [fixture] = json(await run({ resource: 'employee', operation: 'get', employeeId: FX.multiDepartment.employeeId }));
		expect(fixture).toMatchObject({ departmentIds: ['1013'], mainDepartmentId: '1013' });
		sandbox.configure({ personnelOtherDepartments: true });
	});

	test('Get Many with sub-departments for 20 items: one scan of the departments for the run, not one per item', async () => {
		const { departmentId, descendantIds } = FX.departmentWithChildren;
		const members = everyone().filter((e) => e.departmentIds.some((d) => [departmentId, ...descendantIds].includes(d))).length;
		const items = Array.from({ length: 20 }, () => ({}));
		const [out] = await run({ resource: 'employee', operation: 'getAll', departmentId: String(departmentId), includeSubDepartments: true, returnAll: true }, { items });
		expect(out).toHaveLength(20 * members);
		expect(queries('DepartmentObj')).toHaveLength(1);
	});

	test('Get Many: the whole company pages through every employee; Limit stops early', async () => {
		const all = json(await run({ resource: 'employee', operation: 'getAll', departmentId: '999999', includeSubDepartments: true, returnAll: true }));
		expect(all).toHaveLength(FX.employeeCount);
		expect(new Set(all.map((e) => e.employeeId)).size).toBe(FX.employeeCount);
		const ten = json(await run({ resource: 'employee', operation: 'getAll', departmentId: '999999', includeSubDepartments: true, returnAll: false, limit: 10 }));
		expect(ten).toHaveLength(10);
	});
});

describe('Department', () => {
	test('Get and Get Many (all, and the children of one)', async () => {
		const [dept] = json(await run({ resource: 'department', operation: 'get', departmentId: String(FX.leafDepartment.departmentId) }));
		expect(dept).toEqual({ departmentId: String(FX.leafDepartment.departmentId), name: FX.leafDepartment.name, parentId: String(FX.leafDepartment.parentId), status: 'enabled', recordId: expect.any(String) });
		const all = json(await run({ resource: 'department', operation: 'getAll', returnAll: true }));
		expect(all).toHaveLength(FX.departmentCount);
		expect(all.find((d) => d.departmentId === String(FX.stoppedDepartment.departmentId)).status).toBe('disabled');
		const children = json(await run({ resource: 'department', operation: 'getAll', parentDepartmentId: String(FX.departmentWithChildren.departmentId), returnAll: true }));
		expect(children.map((d) => d.departmentId).sort()).toEqual(FX.departmentWithChildren.childIds.map(String).sort());
		const unknown = await run({ resource: 'department', operation: 'get', departmentId: String(FX.unknownDepartmentId) }).catch((e) => e);
		expect(unknown.message).toBe(`No department has the ID "${FX.unknownDepartmentId}", in item 0`);
	});
});

describe('sends to mobile numbers and e-mail addresses', () => {
	const active = () => everyone().filter((e) => !e.isStop && e.mobile && e.email);

	test('three mobile numbers: one lookup, one send to exactly those employees, the mapping in the output', async () => {
		const three = active().slice(5, 8);
		const output = await run(text({ recipientType: 'mobileNumbers', toUser: three.map((e) => e.mobile).join(', ') }));
		expect(queries('PersonnelObj')).toHaveLength(1);
		expect(sends()).toHaveLength(1);
		expect(sends()[0].body.toUser).toEqual(three.map((e) => e.employeeId));
		expect(output[0][0].json.resolvedRecipients).toEqual(three.map((e) => ({ value: e.mobile, employeeId: e.employeeId, name: e.name })));
	});

	test('looked up and picked: the output lists every recipient in recipients, the looked-up ones also in resolvedRecipients', async () => {
		const [a, b, picked] = active().slice(30, 33);
		const row = (value) => ({ id: { __rl: true, mode: 'list', value } });
		const [[item]] = await run(text({ recipientType: 'mobileNumbers', toUser: `${a.mobile}, +86 ${b.mobile}`, pickedRecipients: { employee: [row(picked.employeeId), row(a.employeeId)] } }));
		const sent = [a.employeeId, b.employeeId, picked.employeeId];
		expect(sends()[0].body.toUser).toEqual(sent);
		expect(item.json).toEqual({
			...sends()[0].response.body,
			recipients: sent,
			resolvedRecipients: [a, b].map((e) => ({ value: e.mobile, employeeId: e.employeeId, name: e.name })),
		});
	});

	test('e-mail addresses, and each distinct value is looked up once per run', async () => {
		const [a, b, c] = active().slice(10, 13);
		const items = [{ to: [a.email, b.email] }, { to: [b.email.toUpperCase(), c.email] }, { to: [a.email] }];
		await run((i) => text({ recipientType: 'emailAddresses', toUser: items[i].to }), { items });
		const asked = queries('PersonnelObj').map((q) => q.body.data.search_query_info.filters[0].field_values);
		expect(asked).toEqual([[a.email, b.email], [c.email]]);
		expect(sends().map((s) => s.body.toUser)).toEqual([[a.employeeId, b.employeeId], [b.employeeId, c.employeeId], [a.employeeId]]);
	});

	test('a number that matches nobody, two people, or a stopped employee stops the item before anything is sent, listing exactly those', async () => {
		const [ok] = active();
		const [twin] = active().slice(20);
		sandbox.directory.add({ name: 'Twin Mobile', mobile: twin.mobile, email: 'twin@sandbox-corp.example.com' });
		const twins = everyone().filter((e) => e.mobile === twin.mobile);
		const error = await run(text({ recipientType: 'mobileNumbers', toUser: [ok.mobile, FX.unknownMobile, twin.mobile, FX.stopped.mobile] })).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			`Recipients (toUser) could not be resolved as mobile numbers: "${FX.unknownMobile}" matches no employee; ` +
				`"${twin.mobile}" matches ${twins.map((e) => `${e.name} (${e.employeeId})`).join(' and ')}; ` +
				`"${FX.stopped.mobile}" is ${FX.stopped.name} (${FX.stopped.employeeId}), a stopped employee, in item 0`,
		);
		expect(sends()).toHaveLength(0);
	});

	test('with Continue On Fail the unresolved item is an error item paired to it, the others are sent', async () => {
		const [a, b] = active();
		const items = [{ to: a.mobile }, { to: FX.unknownMobile }, { to: b.mobile }];
		const [output] = await run((i) => text({ recipientType: 'mobileNumbers', toUser: items[i].to }), { items, continueOnFail: true });
		expect(output.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
		expect(output[1].json.error).toMatch(/matches no employee/);
		expect(sends().map((s) => s.body.toUser)).toEqual([[a.employeeId], [b.employeeId]]);
	});

	test('the permission gate: the error says the app sees no employee, nothing is sent', async () => {
		sandbox.configure({ personnelPermission: false });
		const error = await run(text({ recipientType: 'mobileNumbers', toUser: active()[0].mobile })).catch((e) => e);
		expect(error.message).toMatch(/no employee data at all/);
		expect(sends()).toHaveLength(0);
	});

	test('Convert User IDs with looked-up recipients is refused (the IDs found are employee IDs)', async () => {
		const error = await run(text({ recipientType: 'mobileNumbers', toUser: active()[0].mobile, options: { convertUserId: true } })).catch((e) => e);
		expect(error.message).toMatch(/Recipients Are \(recipientType\) finds employee IDs/);
		expect(sends()).toHaveLength(0);
	});
});

describe('the recipient picker', () => {
	const picker = () => createLoadOptionsContext({ parameters: { resource: 'message', operation: 'sendText' }, credential: sandboxCredential(baseUrl) });
	/** Every page of a search, as n8n's list asks for them. */
	async function searchAll(filter) {
		const ctx = picker();
		const pages = [];
		let token;
		do {
			const page = await methods.listSearch.searchEmployees.call(ctx, filter, token);
			pages.push(page.results);
			token = page.paginationToken;
		} while (token !== undefined && pages.length < 50);
		return pages;
	}
	const personnelQueries = () => queries('PersonnelObj').map((r) => r.body.data.search_query_info);

	test('a searchable list, a page at a time: every active employee, by name, valued by employee ID', async () => {
		const pages = await searchAll('');
		const active = everyone().filter((e) => !e.isStop);
		expect(pages.length).toBe(Math.ceil(active.length / 100));
		expect(pages[0]).toHaveLength(100);
		const all = pages.flat();
		expect(all.map((o) => o.value).sort()).toEqual(active.map((e) => e.employeeId).sort());
		expect(all.find((o) => o.value === FX.ceo.employeeId).name).toMatch(new RegExp(`^${FX.ceo.name} \\(${FX.ceo.employeeId}\\)`));
		expect(all.some((o) => o.value === FX.stopped.employeeId)).toBe(false);
		// each page is one query of at most 100, stopped employees filtered out by Fxiaoke
		expect(personnelQueries().every((q) => q.limit === 100 && q.filters.some((f) => f.field_name === 'status' && f.operator === 'N'))).toBe(true);
	});

	test('what is typed is searched by Fxiaoke: a name, part of an e-mail address ("zhang"), a mobile number, an employee ID', async () => {
		const twins = [...FX.duplicateName.employeeIds].sort();
		const values = async (filter) => (await searchAll(filter)).flat().map((o) => o.value);
		expect((await values(FX.duplicateName.name)).sort()).toEqual(twins);
		// wei.zhang.<id>@…: found by e-mail, with everyone else whose name or e-mail holds "zhang"
		const zhang = await values('zhang');
		expect(zhang).toEqual(expect.arrayContaining(twins));
		const holds = (e) => e.name.includes('zhang') || (e.email ?? '').includes('zhang');
		expect(zhang.sort()).toEqual(everyone().filter((e) => !e.isStop && holds(e)).map((e) => e.employeeId).sort());
		expect(await values(FX.noEmail.mobile)).toEqual([FX.noEmail.employeeId]);
		expect(await values(`+86 ${FX.noEmail.mobile}`)).toEqual([FX.noEmail.employeeId]);
		expect(await values(FX.ceo.employeeId)).toContain(FX.ceo.employeeId);
		expect(await values('nobody-like-this')).toEqual([]);
		// the filter went to Fxiaoke, not a scan of everyone
		expect(personnelQueries().every((q) => q.filters.some((f) => f.operator === 'LIKE' || f.field_name === 'user_id'))).toBe(true);
	});

	test('picked employees (rows of the list, or IDs from an expression) are sent to with the typed ones, and are in the output', async () => {
		const row = (value, mode = 'list') => ({ id: { __rl: true, mode, value } });
		const outputs = [];
		outputs.push(await run(text({ toUser: '1001, 1002', pickedRecipients: { employee: [row('1002'), row('1003', 'id')] } })));
		expect(sends()[0].body.toUser).toEqual(['1001', '1002', '1003']);
		outputs.push(await run(text({ toUser: '', pickedRecipients: { employee: [row('1004')] } })));
		expect(sends()[1].body.toUser).toEqual(['1004']);
		outputs.push(await run(text({ toUser: '', pickedRecipients: ['1005'] })));
		expect(sends()[2].body.toUser).toEqual(['1005']);
		expect(outputs.map((output) => json(output)[0].recipients)).toEqual([['1001', '1002', '1003'], ['1004'], ['1005']]);
	});

	test('names in any case, part of an e-mail address in any case, part of a mobile number: case-insensitive substrings', async () => {
		const values = async (filter) => (await searchAll(filter)).flat().map((o) => o.value);
		const lena = FX.latinName.employeeId;
		// by name only (her e-mail address lf.<id>@… holds neither word)
		for (const typed of ['Lena Fischer', 'lena fischer', 'LENA FISCHER', 'lena', 'FISCHER', 'fIsChEr', 'Fisch']) {
			expect([typed, await values(typed)]).toEqual([typed, [lena]]);
		}
		// "zhang" in any case finds the same people: names and e-mail addresses holding it
		const zhang = (await values('zhang')).sort();
		expect(zhang.length).toBeGreaterThan(2);
		expect((await values('ZHANG')).sort()).toEqual(zhang);
		expect((await values('Zhang')).sort()).toEqual(zhang);
		expect(await values(`WEI.ZHANG.${FX.duplicateName.employeeIds[0]}`)).toEqual([FX.duplicateName.employeeIds[0]]);
		expect(await values(FX.latinName.email.toUpperCase())).toEqual([lena]);
		// part of a mobile number (the last 8 digits), and digits that are part of an e-mail address
		const mobile = everyone().find((e) => e.employeeId === lena).mobile;
		expect(await values(mobile.slice(-8))).toEqual([lena]);
		expect(await values(`lf.${lena}`)).toEqual([lena]);
	});

	test('an employee ID finds that employee first; the list shows name, ID, e-mail address and mobile number', async () => {
		const [first] = (await searchAll(FX.latinName.employeeId)).flat();
		const mobile = everyone().find((e) => e.employeeId === FX.latinName.employeeId).mobile;
		expect(first).toEqual({ name: `Lena Fischer (${FX.latinName.employeeId}) · ${FX.latinName.email} · ${mobile}`, value: FX.latinName.employeeId });
		const [noEmail] = (await searchAll(FX.noEmail.employeeId)).flat();
		expect(noEmail.name).toBe(`${FX.noEmail.name} (${FX.noEmail.employeeId}) · ${FX.noEmail.mobile}`);
	});

	test('with the permission gate the list fails with the hint', async () => {
		sandbox.configure({ personnelPermission: false });
		await expect(methods.listSearch.searchEmployees.call(picker(), '')).rejects.toThrow(/no employee data at all/);
	});
});
