import type { IDataObject } from 'n8n-workflow';

/*
 * The page a recipient's link opens (Send and Wait for Response), and what its form sends back.
 * One form for the three response types: buttons (Approval), a text box (Free Text) or the fields
 * of a Custom Form. Plain HTML, no script, every text escaped: it is served from n8n's own host.
 */

export type ResponseType = 'approval' | 'freeText' | 'customForm';

export interface FormField {
	label: string;
	type: 'text' | 'textarea' | 'number' | 'dropdown';
	options: string[];
	required: boolean;
}

export interface ResponseForm {
	type: ResponseType;
	title: string;
	message: string;
	/** Approval: the two buttons' labels (decline '' for Approve Only). */
	approveLabel: string;
	declineLabel: string;
	fields: FormField[];
	buttonLabel: string;
}

/** Text as HTML. */
export const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE =
	'body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f8;margin:0;padding:24px;color:#1f2329}' +
	'main{max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.1)}' +
	'h1{font-size:20px;margin:0 0 12px}p{white-space:pre-wrap;line-height:1.5}label{display:block;margin:16px 0 6px;font-weight:600}' +
	'input,textarea,select{width:100%;box-sizing:border-box;padding:8px;border:1px solid #d0d3d6;border-radius:4px;font:inherit}' +
	'.buttons{display:flex;gap:12px;margin-top:20px}button{flex:1;padding:10px;border-radius:4px;border:1px solid #ff8000;font:inherit;cursor:pointer}' +
	'button.primary{background:#ff8000;color:#fff}button.secondary{background:#fff;color:#ff8000}';

/** A whole page around `body`. */
export function page(title: string, body: string): string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** The response page: the message, then the form, which posts to the page's own (signed) URL. */
export function responsePage(form: ResponseForm): string {
	const parts = [`<h1>${escapeHtml(form.title)}</h1>`];
	if (form.message !== '') parts.push(`<p>${escapeHtml(form.message)}</p>`);
	// multipart: what n8n requires for a Send and Wait custom form (and takes for the others)
	parts.push('<form method="post" action="" enctype="multipart/form-data">');
	if (form.type === 'approval') {
		parts.push('<div class="buttons">');
		if (form.declineLabel !== '') parts.push(`<button class="secondary" type="submit" name="decision" value="decline">${escapeHtml(form.declineLabel)}</button>`);
		parts.push(`<button class="primary" type="submit" name="decision" value="approve">${escapeHtml(form.approveLabel)}</button></div>`);
	} else {
		const fields: FormField[] = form.type === 'freeText' ? [{ label: 'Response', type: 'textarea', options: [], required: true }] : form.fields;
		fields.forEach((field, index) => {
			const name = `field-${index}`;
			const required = field.required ? ' required' : '';
			parts.push(`<label for="${name}">${escapeHtml(field.label)}</label>`);
			if (field.type === 'textarea') parts.push(`<textarea id="${name}" name="${name}" rows="4"${required}></textarea>`);
			else if (field.type === 'dropdown') {
				const options = field.options.map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`).join('');
				parts.push(`<select id="${name}" name="${name}"${required}><option value=""></option>${options}</select>`);
			} else parts.push(`<input id="${name}" name="${name}" type="${field.type === 'number' ? 'number' : 'text'}" step="any"${required}>`);
		});
		parts.push(`<div class="buttons"><button class="primary" type="submit">${escapeHtml(form.buttonLabel)}</button></div>`);
	}
	parts.push('</form>');
	return page(form.title, parts.join(''));
}

/** What the page shows once an answer is taken. */
export const ANSWER_TAKEN_PAGE = page('Got it, thanks', '<h1>Got it, thanks</h1><p>Your answer was recorded. This page can be closed now.</p>');

/**
 * The answer from the posted form, or the reason it is not one (a required field left empty, a
 * value not among a dropdown's options, a number that is not one): the page says so, nothing resumes.
 */
export function answerOf(form: ResponseForm, posted: IDataObject): IDataObject | string {
	// n8n gives a multipart form's fields under `data`, each a text or a list of texts
	const fields = (typeof posted.data === 'object' && posted.data !== null && !Array.isArray(posted.data) ? posted.data : posted) as IDataObject;
	const body: IDataObject = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
	if (form.type === 'approval') {
		const decision = body.decision;
		if (decision === 'approve') return { approved: true };
		if (decision === 'decline' && form.declineLabel !== '') return { approved: false };
		return 'no decision was given';
	}
	if (form.type === 'freeText') {
		const text = typeof body['field-0'] === 'string' ? body['field-0'].trim() : '';
		return text === '' ? 'the response is empty' : { text };
	}
	const answer: IDataObject = {};
	for (const [index, field] of form.fields.entries()) {
		const raw = body[`field-${index}`];
		const value = typeof raw === 'string' ? raw.trim() : '';
		if (value === '') {
			if (field.required) return `${field.label} is required`;
			answer[field.label] = null;
			continue;
		}
		if (field.type === 'number') {
			const number = Number(value);
			if (!Number.isFinite(number)) return `${field.label} is not a number`;
			answer[field.label] = number;
		} else if (field.type === 'dropdown' && !field.options.includes(value)) return `${field.label} has no option ${value}`;
		else answer[field.label] = value;
	}
	return answer;
}
