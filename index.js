'use strict';
// The package's entry point for code that requires it; n8n itself loads the files listed in
// package.json's "n8n" field.
const { Fxiaoke } = require('./dist/nodes/Fxiaoke/Fxiaoke.node');
const { FxiaokeApi } = require('./dist/credentials/FxiaokeApi.credentials');

module.exports = { Fxiaoke, FxiaokeApi };
