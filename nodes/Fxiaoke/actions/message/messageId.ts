import type { IDataObject } from 'n8n-workflow';

/*
 * Fxiaoke documents no message id in a send's answer (API.md §7.6), yet Revoke needs one. When an
 * answer does hold one, it is lifted to the top level of the output so that a following Revoke can
 * use {{ $json.messageId }} and {{ $json.serviceId }}.
 */

/** A message id in Fxiaoke's answer, if there is one. */
export function findMessageId(answer: IDataObject): string | undefined {
	for (const source of [answer, answer.data]) {
		if (source === null || typeof source !== 'object' || Array.isArray(source)) continue;
		const id = (source as IDataObject).messageId;
		if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) return String(id);
	}
	return undefined;
}

/**
 * Fxiaoke's raw answer, plus `messageId` at the top level when the answer holds one, and for
 * service-account sends the `serviceId` a later Revoke needs.
 */
export function withMessageId(answer: IDataObject, serviceId?: string): IDataObject {
	const messageId = findMessageId(answer);
	if (messageId === undefined) return { ...answer };
	const output: IDataObject = { ...answer, messageId };
	if (serviceId !== undefined) {
		output.serviceId = typeof answer.serviceId === 'string' && answer.serviceId !== '' ? answer.serviceId : serviceId;
	}
	return output;
}
