import { sendOperation } from './sendOperation';

/**
 * Send Image-Text Message: POST /cgi/message/send `{toUser, msgType: "articles", articles: [...]}`.
 * Every article is checked first; covers taken from binary properties are uploaded when it is sent.
 */
export const { description, prepare } = sendOperation('sendArticles', 'articles');
