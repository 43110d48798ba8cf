import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { PAGE_LIMIT, queryPage, type QueryFilter } from '../actions/crmObject/query';
import { assertPersonnelVisible, eq, PERSONNEL, toEmployee } from '../actions/employee/directory';
import { normalised } from '../actions/employee/lookup';

/** A search is a list of PersonnelObj queries read one after the other, page by page. */
type Search = QueryFilter[][];

const ACTIVE: QueryFilter = { field_name: 'status', field_values: ['1'], operator: 'N' };
const like = (field: string, value: string): QueryFilter => ({ field_name: field, field_values: [value], operator: 'LIKE' });

/**
 * A name as typed, in lower case and capitalised ("lena fischer", "Lena Fischer"): whether
 * Fxiaoke's LIKE ignores case is not documented (API.md §12), so the usual ways a Latin name is
 * typed and stored are each asked for. (Chinese names have one form.)
 */
function nameForms(text: string): string[] {
	const lower = text.toLowerCase();
	const capitalised = lower.replace(/(^|[\s.\-'])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
	return [...new Set([text, lower, capitalised])];
}

/**
 * What a typed text is searched in, one query each (Fxiaoke ANDs a query's filters), every one a
 * substring match: nothing typed, everyone; digits (a mobile number as written, +86 and spaces
 * too), the employee ID (exact), mobile numbers and e-mail addresses; an e-mail address or part of
 * one with "@", e-mail addresses; other text, names and e-mail addresses (so "zhang" finds
 * wei.zhang@…). E-mail addresses are searched in lower case, as lookups keep them.
 */
function searchFor(text: string): Search {
	if (text === '') return [[]];
	const digits = normalised('mobile', text);
	if (/^\d+$/.test(digits)) return [[eq('user_id', [digits])], [like('phone', digits)], [like('email', digits)]];
	const email = [like('email', normalised('email', text))];
	if (text.includes('@')) return [email];
	return [...nameForms(text).map((form) => [like('name', form)]), email];
}

/**
 * The recipient picker: active employees (Personnel) matching what is typed, searched by Fxiaoke
 * (name, e-mail, mobile, employee ID: searchFor), a page at a time; valued by employee ID. A page
 * ends where a query's page is full, or holds the rest of every query; the pagination token is
 * "<query>:<offset>" (the offset stays far below Fxiaoke's 10,000 for a picker).
 */
export async function searchEmployees(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const typed = (filter ?? '').trim();
	const search = searchFor(typed);
	let [query, offset] = (paginationToken ?? '0:0').split(':').map(Number);
	const records: IDataObject[] = [];
	let next: string | undefined;
	for (; query < search.length; query++, offset = 0) {
		const info: IDataObject = {
			limit: PAGE_LIMIT,
			offset,
			filters: [...search[query], ACTIVE],
			orders: [{ fieldName: 'name', isAsc: true }, { fieldName: '_id', isAsc: true }],
			fieldProjection: ['user_id', 'name', 'email', 'phone'],
		};
		const page = (await queryPage(this, 0, PERSONNEL, info, false, {})).records;
		records.push(...page);
		if (page.length === PAGE_LIMIT) {
			next = `${query}:${offset + PAGE_LIMIT}`;
			break;
		}
	}
	if (records.length === 0 && paginationToken === undefined && typed === '') await assertPersonnelVisible(this, 0, {});
	// (One employee once, though found by name and by e-mail address.)
	const employees = new Map(records.map(toEmployee).filter((e) => e.employeeId !== '').map((e) => [e.employeeId, e]));
	// (E-mail and mobile both shown: what was typed may have matched either.)
	const results = [...employees.values()].map((e) => ({ name: [`${e.name} (${e.employeeId})`, e.email, e.mobile].filter((part) => part !== null).join(' · '), value: e.employeeId }));
	return { results, paginationToken: next };
}
