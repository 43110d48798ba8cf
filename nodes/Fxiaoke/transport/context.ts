import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

/** Where the transport runs: an execution, the editor loading options (objects, fields), or a trigger's poll. */
export type FxiaokeContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** The execution's cancel signal; the editor's option loading has none. */
export function cancelSignalOf(ctx: FxiaokeContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
}
