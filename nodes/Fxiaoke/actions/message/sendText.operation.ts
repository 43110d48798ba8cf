import { sendOperation } from './sendOperation';

/** Send Text Message: POST /cgi/message/send `{toUser, msgType: "text", text: {content}}`. */
export const { description, prepare } = sendOperation('sendText', 'text');
