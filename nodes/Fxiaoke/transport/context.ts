import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

/** Where the transport runs: an execution, or the editor loading options (objects, fields). */
export type FxiaokeContext = IExecuteFunctions | ILoadOptionsFunctions;

/** The execution's cancel signal; the editor's option loading has none. */
export function cancelSignalOf(ctx: FxiaokeContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
}
