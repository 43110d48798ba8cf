'use strict';
/**
 * Floor B of bench/run.js: reads the same parameters as Fxiaoke → Message → Revoke (resource,
 * operation and Options once, serviceId and messageId per item) and returns one output item per
 * input item, paired, with the same bookkeeping helpers, but sends no request at all.
 */
const { properties, readRunParameters, readItem } = require('./shared');

class FxiaokeBenchNoop {
	constructor() {
		this.description = {
			displayName: 'Fxiaoke Bench No-op',
			name: 'fxiaokeBenchNoop',
			group: ['transform'],
			version: 1,
			description: 'Benchmark floor: reads the Revoke parameters, sends nothing',
			defaults: { name: 'No-op' },
			inputs: ['main'],
			outputs: ['main'],
			properties,
		};
	}

	/** @this {any} */
	async execute() {
		const items = this.getInputData();
		readRunParameters(this);
		const output = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const { serviceId, messageId } = readItem(this, itemIndex);
			const json = { serviceId, messageId, errorCode: 0 };
			output.push(...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(json), { itemData: { item: itemIndex } }));
		}
		return [output];
	}
}

module.exports = { FxiaokeBenchNoop };
