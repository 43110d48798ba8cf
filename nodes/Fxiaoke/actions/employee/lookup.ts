import type { FxiaokeContext } from '../../transport/context';
import type { RequestOptions } from '../../transport';
import { eq, queryEmployees, type Employee } from './directory';

/** What a person can be named by, and the PersonnelObj field that holds it. */
export type LookupKind = 'mobile' | 'email' | 'name';
export const PERSONNEL_FIELD: Record<LookupKind, string> = { mobile: 'phone', email: 'email', name: 'name' };

/** Fxiaoke's largest query page: one lookup asks for at most this many values at once. */
const VALUES_PER_QUERY = 100;

/**
 * A value as Fxiaoke keeps it: a mobile number without spaces, dashes or the +86 / 0086 prefix, an
 * e-mail address in lower case, a name trimmed.
 */
export function normalised(kind: LookupKind, value: string): string {
	const trimmed = value.trim();
	if (kind === 'mobile') return trimmed.replace(/[\s\-()]/g, '').replace(/^(\+86|0086)/, '');
	if (kind === 'email') return trimmed.toLowerCase();
	return trimmed;
}

/**
 * The values a lookup asks Fxiaoke for. Whether Fxiaoke compares e-mail addresses regardless of
 * case is not documented (API.md §13): an address is asked for in lower case and as written, and
 * the answers are matched regardless of case, so one stored with capitals is found when written
 * as stored (or in lower case, if Fxiaoke ignores case).
 */
export function queryForms(kind: LookupKind, value: string): string[] {
	const key = normalised(kind, value);
	return kind === 'email' ? [...new Set([key, value.trim()])] : [key];
}

/** What an employee is named by, for a kind: their mobile number, e-mail address or name (null if none). */
export const heldValue = (kind: LookupKind, employee: Employee): string | null =>
	kind === 'mobile' ? employee.mobile : kind === 'email' ? employee.email : employee.name;

const runs = new WeakMap<object, Map<string, Employee[]>>();

/**
 * The employees each value (as written) names, keyed by its normalised form, looked up once per
 * distinct value per run (one PersonnelObj query for up to 100 values, through the paced limiter).
 */
export async function employeesNamedBy(
	ctx: FxiaokeContext,
	itemIndex: number,
	kind: LookupKind,
	written: string[],
	options: RequestOptions,
): Promise<Map<string, Employee[]>> {
	let known = runs.get(ctx);
	if (known === undefined) {
		known = new Map();
		runs.set(ctx, known);
	}
	const key = (value: string) => `${kind}:${value}`;
	const values = [...new Set(written.map((v) => normalised(kind, v)))];
	const missing = [...new Set(written)].filter((v) => !known.has(key(normalised(kind, v))));
	// (half as many values per query: each may be asked for in two forms, queryForms)
	for (let start = 0; start < missing.length; start += VALUES_PER_QUERY / 2) {
		const batch = missing.slice(start, start + VALUES_PER_QUERY / 2);
		const asked = [...new Set(batch.flatMap((v) => queryForms(kind, v)))];
		const found = await queryEmployees(ctx, itemIndex, [eq(PERSONNEL_FIELD[kind], asked, 'IN')], Infinity, options);
		for (const value of batch) known.set(key(normalised(kind, value)), []);
		for (const employee of found) {
			const held = heldValue(kind, employee);
			const list = held === null ? undefined : known.get(key(normalised(kind, held)));
			if (list !== undefined && !list.includes(employee)) list.push(employee);
		}
	}
	return new Map(values.map((v) => [v, known.get(key(v)) ?? []]));
}
