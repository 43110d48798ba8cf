import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { NodeOptions } from './options';

/**
 * One item's request, checked and built: calling it sends it and gives the item's output (several
 * items for Get Many; an item with binary data for a download).
 */
export type PreparedRequest = () => Promise<IDataObject | IDataObject[] | INodeExecutionData>;

/** What every operation exports: read and check one item's parameters, send nothing yet. */
export type OperationPrepare = (
	this: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
) => Promise<PreparedRequest>;
