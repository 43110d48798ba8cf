import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';

/** Where the transport runs: an execution, the editor loading options (objects, fields), a trigger's poll, or a pushed change. */
export type FxiaokeContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IWebhookFunctions;

/** The execution's cancel signal; the editor's option loading has none. */
export function cancelSignalOf(ctx: FxiaokeContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
}
