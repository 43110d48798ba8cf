'use strict';

/**
 * The demo app every sandbox knows by default. These are sandbox-only credentials: they work
 * against `node sandbox/cli.js` and nothing else.
 */
const DEMO_APP = Object.freeze({
  appId: 'FSAID_sandbox_demo',
  appSecret: 'sandbox-demo-app-secret-6c1f',
  permanentCode: 'sandbox-demo-permanent-code-93ad',
  ea: 'sandbox_ea_1',
  userId: '1000',
  serviceId: 'FSAID_demo_service',
});

module.exports = DEMO_APP;
