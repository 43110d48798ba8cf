import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { NodeOptions } from '../options';
import { CONTROL_CHARACTERS, inputError, parameterValue, readText, textParameter } from '../validation';
import { prepareArticles } from './articles';

/*
 * The content of the three documented message kinds (text, composite, articles), checked and
 * built from the node's fields. Both send endpoints use it, so they get exactly the same content.
 */

export type MessageKind = 'text' | 'composite' | 'articles';

/** The content part of a send body: `msgType` and the object of that name. */
export interface MessageContent {
	msgType: MessageKind;
	content: IDataObject | IDataObject[];
}

/** Text: `{content}`. */
function buildText(ctx: IExecuteFunctions, itemIndex: number): MessageContent {
	const content = textParameter(ctx, itemIndex, { label: 'Content', name: 'content' }, true);
	return { msgType: 'text', content: { content } };
}

/**
 * Composite: `{head, first?, form?, remark?, link}`; empty optional parts are left out. The link
 * comes from the Link fields, or is given (Send and Wait: the response page, per recipient).
 */
export function buildComposite(ctx: IExecuteFunctions, itemIndex: number, link?: { title: string; url: string }): MessageContent {
	const headTitle = textParameter(ctx, itemIndex, { label: 'Head Title', name: 'headTitle' }, true);
	const firstContent = textParameter(ctx, itemIndex, { label: 'First Content', name: 'firstContent' });
	const remark = textParameter(ctx, itemIndex, { label: 'Remark', name: 'remark' });
	const linkTitle = link?.title ?? textParameter(ctx, itemIndex, { label: 'Link Title', name: 'linkTitle' }, true);
	const linkUrl = link?.url ?? textParameter(ctx, itemIndex, { label: 'Link URL', name: 'linkUrl' }, true).trim();
	if (CONTROL_CHARACTERS.test(linkUrl)) {
		throw inputError(ctx, itemIndex, { label: 'Link URL', name: 'linkUrl' }, 'contains control characters (such as a line break)');
	}

	const formRows = parameterValue(ctx, 'formRows', itemIndex, {}) as { row?: unknown };
	const rows = Array.isArray(formRows?.row) ? (formRows.row as unknown[]) : [];
	const form: IDataObject[] = [];
	rows.forEach((row, index) => {
		const where = `of row ${index + 1}`;
		const values = (row ?? {}) as IDataObject;
		const label = readText(ctx, itemIndex, values.label, { label: 'Label', name: 'formRows', where });
		const value = readText(ctx, itemIndex, values.value, { label: 'Value', name: 'formRows', where });
		if (label.trim() !== '' || value.trim() !== '') form.push({ label, value });
	});

	const composite: IDataObject = { head: { title: headTitle } };
	if (firstContent.trim() !== '') composite.first = { content: firstContent };
	if (form.length > 0) composite.form = form;
	if (remark.trim() !== '') composite.remark = { content: remark };
	composite.link = { title: linkTitle, url: linkUrl };
	return { msgType: 'composite', content: composite };
}

/** A message checked and built; binary covers are uploaded only when it is sent. */
export type PreparedMessage = (options: NodeOptions) => Promise<MessageContent>;

/** Checks and builds the content of one message kind without sending anything. */
export async function prepareMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	kind: MessageKind,
): Promise<PreparedMessage> {
	if (kind === 'text') {
		const text = buildText(ctx, itemIndex);
		return async () => text;
	}
	if (kind === 'composite') {
		const composite = buildComposite(ctx, itemIndex);
		return async () => composite;
	}
	const articles = await prepareArticles(ctx, itemIndex);
	return async (options) => ({ msgType: 'articles', content: await articles(options) });
}
