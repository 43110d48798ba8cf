import { sendOperation } from './sendOperation';

/** Send Composite Message: POST /cgi/message/send `{toUser, msgType: "composite", composite: {head, first, form, remark, link}}`. */
export const { description, prepare } = sendOperation('sendComposite', 'composite');
