/** The header the APL function sends the node's secret in. */
export const SECRET_HEADER = 'x-fxiaoke-secret';

/** Where the secret goes in the generated function when it is shown to someone who may not know it. */
export const SECRET_PLACEHOLDER = 'PASTE THE SECRET OF THE N8N NODE HERE';

/**
 * The APL function (Fxiaoke's Groovy-based language, API.md §14.2) to attach to a Fxiaoke workflow:
 * it posts the record the workflow runs for (`context.data`) to the node's URL with the secret
 * header, and logs n8n's answer in the function's log. The object comes from the record's
 * `object_describe_api_name` (the manual does not list it among context.data's fields: if a
 * tenant's record lacks it, write the object's API name there).
 */
export function aplFunction(url: string, secret: string): string {
	const quoted = (text: string) => JSON.stringify(text);
	return [
		'// n8n: Fxiaoke Webhook Trigger. Posts the record this workflow runs for to n8n.',
		`String url = ${quoted(url)}`,
		`String secret = ${quoted(secret)}`,
		'Map body = ["objectApiName": context.data["object_describe_api_name"], "data": context.data]',
		`Map headers = ["Content-Type": "application/json", ${quoted(SECRET_HEADER)}: secret]`,
		'def (Boolean error, HttpResult result, String message) = Fx.http.post(url, headers, body)',
		'if (error || result == null || result.statusCode != 200) {',
		'  log.info("n8n did not take the change: " + message + " " + (result == null ? "" : result.statusCode))',
		'} else {',
		'  log.info("n8n took the change: " + result.content)',
		'}',
		'',
	].join('\n');
}
