import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * Canvas subtitles. n8n's editor evaluates a node's `subtitle` as an expression against the node's
 * parameters (the Workflow fills in the defaults); these helpers build those expressions from the
 * node's own options, so that the words shown never drift from the choices offered.
 */

/** The value → display name of an options parameter's choices. */
export function optionNames(property: INodeProperties | undefined): Record<string, string> {
	const options = (property?.options ?? []).filter((o): o is INodePropertyOptions => 'value' in o && 'name' in o);
	return Object.fromEntries(options.map((o) => [String(o.value), o.name]));
}

/** A JS string literal with no brace in it: `{{` or `}}` would end the expression early. */
const stringLiteral = (text: string) => JSON.stringify(text).replace(/\{/g, '\\u007b').replace(/\}/g, '\\u007d');

/** A flat map as a JS object literal to embed in an expression (never two braces in a row). */
export function mapLiteral(map: Record<string, string>): string {
	return `({ ${Object.entries(map)
		.map(([key, value]) => `${stringLiteral(key)}: ${stringLiteral(value)}`)
		.join(', ')} })`;
}

/**
 * A parameter's value as saved, not evaluated: `$rawParameter` where n8n has it (an expression in
 * the parameter is then not run: in the editor it would fail and blank the whole subtitle), else
 * `$parameter`.
 */
export const savedValue = (name: string) => `($rawParameter || $parameter)[${stringLiteral(name)}]`;

/**
 * A resource locator's value as saved: n8n 2 hands over the value itself (the object's API name);
 * older versions the `{ __rl, mode, value }` object, whose value it then takes.
 */
export function savedLocatorValue(name: string): string {
	const saved = savedValue(name);
	return `(typeof ${saved} === "object" && ${saved} !== null ? ${saved}.value : ${saved})`;
}

/**
 * The subtitle expression: the parts that are words, joined by ": ". A part that is empty, missing,
 * or an expression (it starts with "=") is left out.
 */
export function subtitleOf(...parts: string[]): string {
	return `={{ [${parts.join(', ')}].filter((part) => typeof part === "string" && part !== "" && part[0] !== "=").join(": ") }}`;
}
