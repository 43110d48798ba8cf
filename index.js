// n8n loads the node and credential listed in package.json's "n8n" field; nothing to export here.
module.exports = {};
