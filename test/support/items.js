'use strict';
/**
 * The Fxiaoke fields of an output item: a success item carries Fxiaoke's answer in its JSON, a
 * failed item (Continue On Fail) carries `error` and, under `details`, the description and the
 * Fxiaoke fields (the shape n8n routes to the error output).
 * @param {{ json: any }} item
 */
function fieldsOf(item) {
	return item.json.error !== undefined && item.json.details !== undefined ? item.json.details : item.json;
}

module.exports = { fieldsOf };
