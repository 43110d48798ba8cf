import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { assertPersonnelVisible } from '../employee/directory';
import { employeesNamedBy, normalised, type LookupKind } from '../employee/lookup';
import type { NodeOptions } from '../options';
import { nodeParameter } from '../parameters';
import {
	CONTROL_CHARACTERS,
	inputError,
	kindOf,
	MAX_ID_LENGTH,
	parameterValue,
	quoteShortened,
	type FieldRef,
} from '../validation';

/** Separators of a recipients string: comma, Chinese comma and enumeration comma, semicolons, line breaks. */
const RECIPIENT_SEPARATORS = /[,，、;；\r\n]+/;

/** The three parameters that name a list of employees: what the entries are, the entries, the picked ones. */
export interface PeopleFields {
	type: FieldRef;
	entries: FieldRef;
	picked: FieldRef;
	/** What the people are for, in an error: "Nothing was sent" is said of it. */
	verb: string;
}

/** A send's recipients. */
export const RECIPIENT_PARAMETERS: PeopleFields = {
	type: { label: 'Recipients Are', name: 'recipientType' },
	entries: { label: 'Recipients', name: 'toUser' },
	picked: { label: 'Picked Employees', name: 'pickedRecipients' },
	verb: 'sent',
};
/** What "Recipients Are" says the entries of toUser are, and how they are looked up. */
const LOOKUP: Record<string, LookupKind | undefined> = { employeeIds: undefined, mobileNumbers: 'mobile', emailAddresses: 'email' };
const NAMES: Record<LookupKind, string> = { mobile: 'mobile number', email: 'e-mail address', name: 'name' };

/** The picker's rows (Add Employee: each a list-or-ID locator) as their IDs; any other value as it is. */
function pickedIds(value: unknown): unknown {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
	const rows = (value as { employee?: unknown }).employee;
	if (rows === undefined && Object.keys(value).length === 0) return []; // no row added
	if (!Array.isArray(rows)) return value;
	return rows.map((row) => {
		const id = (row as IDataObject | null)?.id;
		return id !== null && typeof id === 'object' && !Array.isArray(id) ? (id as IDataObject).value : id;
	});
}

/**
 * The entries of a recipients parameter's value: an array (nested arrays are flattened), or a string of
 * entries separated by commas (also `，` `、` `;` or line breaks), or a number. Entries are
 * trimmed; empty ones and duplicates are dropped (first occurrence kept); each must be at most 256
 * characters with no control characters.
 */
function readEntries(ctx: IExecuteFunctions, itemIndex: number, field: FieldRef, value: unknown): string[] {
	let entries: unknown[];
	if (Array.isArray(value)) entries = value.flat(Infinity) as unknown[];
	else if (typeof value === 'string' || typeof value === 'number') entries = [value];
	else if (value === undefined || value === null) entries = [];
	else throw inputError(ctx, itemIndex, field, `must be a list of IDs (text or an array), not ${kindOf(value)},`);

	const found: string[] = [];
	for (const entry of entries) {
		let pieces: string[];
		if (typeof entry === 'string') pieces = entry.split(RECIPIENT_SEPARATORS);
		else if (typeof entry === 'number' && Number.isFinite(entry)) pieces = [String(entry)];
		else if (entry === null || entry === undefined) pieces = [];
		else throw inputError(ctx, itemIndex, field, `contains ${kindOf(entry)}; every entry must be an ID (text or a number)`);
		for (const piece of pieces) {
			const id = piece.trim();
			if (id === '') continue;
			if (id.length > MAX_ID_LENGTH) {
				throw inputError(ctx, itemIndex, field, `contains an ID of ${id.length} characters (at most ${MAX_ID_LENGTH})`);
			}
			if (CONTROL_CHARACTERS.test(id)) {
				throw inputError(ctx, itemIndex, field, `contains an ID with control characters (${quoteShortened(id)})`);
			}
			found.push(id);
		}
	}
	return found;
}

const unique = (values: string[]) => [...new Set(values)];

/** Which value named which employee, in a send's output when recipients were looked up. */
export interface ResolvedRecipient extends IDataObject {
	value: string;
	employeeId: string;
	name: string;
}

export interface Recipients {
	toUser: string[];
	resolved?: ResolvedRecipient[];
}

/**
 * One item's recipients: the entries of Recipients (`toUser`) and the employees picked from the
 * list. With "Recipients Are" Mobile Numbers or E-Mail Addresses each entry is looked up in
 * Personnel first; an entry that names nobody, several people or a stopped employee stops the item
 * before anything is sent, and the error lists exactly those entries.
 */
export async function readRecipients(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
	fields: PeopleFields = RECIPIENT_PARAMETERS,
): Promise<Recipients> {
	const { entries: entryField, picked: pickedField } = fields;
	const type = nodeParameter(ctx, fields.type.name, itemIndex, 'employeeIds') as string;
	if (!(type in LOOKUP)) {
		throw inputError(ctx, itemIndex, fields.type, `must be employeeIds, mobileNumbers or emailAddresses, not ${JSON.stringify(type)},`);
	}
	const kind = LOOKUP[type];
	const entries = readEntries(ctx, itemIndex, entryField, parameterValue(ctx, entryField.name, itemIndex, ''));
	const picked = readEntries(ctx, itemIndex, pickedField, pickedIds(parameterValue(ctx, pickedField.name, itemIndex, [])));
	if (entries.length === 0 && picked.length === 0) {
		throw inputError(ctx, itemIndex, entryField, kind === undefined ? 'is empty: give at least one employee ID' : `is empty: give at least one ${NAMES[kind]}`);
	}
	if (kind === undefined) return { toUser: unique([...entries, ...picked]) };
	if (options.convertUserId) {
		throw inputError(ctx, itemIndex, fields.type, `finds employee IDs, which Convert User IDs would read as open user IDs`, `Turn off the option Convert User IDs, or give open user IDs (FSUID_…) as Employee IDs. Nothing was ${fields.verb} for this item.`);
	}

	const values = unique(entries.map((entry) => normalised(kind, entry)));
	const found = await employeesNamedBy(ctx, itemIndex, kind, entries, options);
	const nobody = values.filter((v) => found.get(v)?.length === 0);
	const several = values.filter((v) => (found.get(v)?.length ?? 0) > 1);
	const stopped = values.filter((v) => found.get(v)?.length === 1 && found.get(v)?.[0].isStop === true);
	const problems = [
		nobody.length > 0 ? `${nobody.map((v) => quoteShortened(v)).join(', ')} ${nobody.length === 1 ? 'matches' : 'match'} no employee` : '',
		several.length > 0 ? several.map((v) => `${quoteShortened(v)} matches ${found.get(v)?.map((e) => `${e.name} (${e.employeeId})`).join(' and ')}`).join('; ') : '',
		stopped.length > 0 ? stopped.map((v) => `${quoteShortened(v)} is ${found.get(v)?.[0].name} (${found.get(v)?.[0].employeeId}), a stopped employee`).join('; ') : '',
	].filter((p) => p !== '');
	if (problems.length > 0) {
		if (nobody.length === values.length) {
			// Nobody found at all: a missing data permission looks the same; say which it is.
			await assertPersonnelVisible(ctx, itemIndex, options);
		}
		throw inputError(
			ctx,
			itemIndex,
			entryField,
			`could not be resolved as ${kind === 'email' ? 'e-mail addresses' : `${NAMES[kind]}s`}: ${problems.join('; ')},`,
			`Nothing was ${fields.verb} for this item. Each entry must name exactly one active employee (Personnel: mobile number or e-mail address, exact match).`,
		);
	}
	const resolved = values.map((value) => {
		const employee = found.get(value)![0];
		return { value, employeeId: employee.employeeId, name: employee.name };
	});
	return { toUser: unique([...resolved.map((r) => r.employeeId), ...picked]), resolved };
}
