import {
	deepCopy,
	type IGetNodeParameterOptions,
	type INode,
	type INodeParameters,
	type IPollFunctions,
	type IWebhookFunctions,
	type NodeParameterValueType,
} from 'n8n-workflow';

/**
 * What reading a node's parameters for an item needs: an execute context has it, and the triggers
 * give theirs this shape (triggerParameters: a poll or a push has one "item").
 */
export interface ItemParameters {
	getNode(): INode;
	getTimezone(): string;
	getNodeParameter(name: string, itemIndex: number, fallback?: unknown, options?: IGetNodeParameterOptions): unknown;
}

/** The parameters of a trigger's poll or pushed change as the per-item helpers read them: one item, its own. */
export function triggerParameters(ctx: IPollFunctions | IWebhookFunctions): ItemParameters {
	return {
		getNode: () => ctx.getNode(),
		getTimezone: () => ctx.getTimezone(),
		getNodeParameter: (name, _itemIndex, fallback, options) => ctx.getNodeParameter(name, fallback, options),
	};
}

/**
 * Parameter values for one run of the node. n8n evaluates an expression for every item (a data proxy
 * and a call into its expression engine: about 1 ms and 17 KB of garbage each), but a value that
 * holds no expression is the same for every item: it is read once per run and copied per item.
 */
interface Read {
	constant: boolean;
	value?: unknown;
}

const runs = new WeakMap<ItemParameters, { raw: INodeParameters; reads: Map<string, Read> }>();

/** Whether a saved value holds an expression anywhere (n8n marks them with a leading "="). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

function rawValue(raw: INodeParameters, name: string): unknown {
	let value: unknown = raw;
	for (const key of name.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/** `getNodeParameter`, read once per run when the saved value holds no expression. */
export function nodeParameter(
	ctx: ItemParameters,
	name: string,
	itemIndex: number,
	fallback?: unknown,
	options: { extractValue?: boolean } = {},
): unknown {
	let run = runs.get(ctx);
	if (run === undefined) {
		// The node's saved parameters, as `rawExpressions: true` would give them (an option older n8n
		// versions ignore, which would make every expression look constant).
		run = { raw: ctx.getNode().parameters, reads: new Map() };
		runs.set(ctx, run);
	}
	const key = options.extractValue === true ? `${name}#extract` : name;
	let read = run.reads.get(key);
	if (read === undefined) {
		read = { constant: !holdsExpression(rawValue(run.raw, name)) };
		if (read.constant) {
			try {
				read.value = ctx.getNodeParameter(name, 0, fallback, options) as unknown;
			} catch {
				// Whatever n8n rejects is rejected for the item at hand, as before.
				read.constant = false;
			}
		}
		run.reads.set(key, read);
	}
	if (!read.constant) return ctx.getNodeParameter(name, itemIndex, fallback, options) as unknown;
	const value = read.value;
	// Each item gets its own copy: an operation may change what it was given.
	return value !== null && typeof value === 'object' ? deepCopy(value as NodeParameterValueType) : value;
}
