#!/usr/bin/env node
'use strict';

/**
 * Start a sandbox with the demo app and demo messages:
 *   node sandbox/cli.js [--port 8787] [--host 127.0.0.1] [--accept-any-message] [--return-message-id] [--quiet]
 *
 * Never prints appSecret, permanentCode or tokens (a test scans this output).
 */

const { createSandbox } = require('./server');
const DEMO_APP = require('./demo-app');
const { seedDemoData } = require('./demo-data');

const USAGE = `Usage: node sandbox/cli.js [options]
  --port <n>             port to listen on (default 8787; 0 = any free port)
  --host <addr>          address to bind (default 127.0.0.1)
  --accept-any-message   revoke accepts any unknown messageId (once each)
  --return-message-id    send responses include a revocable messageId (not documented by Fxiaoke)
  --quiet                do not log one line per request
  --help                 show this help`;

function parseArgs(argv) {
  const args = { port: 8787, host: '127.0.0.1', acceptAny: false, returnMessageId: false, quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--port') args.port = Number(value());
    else if (flag === '--host') args.host = value();
    else if (flag === '--accept-any-message') args.acceptAny = true;
    else if (flag === '--return-message-id') args.returnMessageId = true;
    else if (flag === '--quiet') args.quiet = true;
    else if (flag === '--help' || flag === '-h') args.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0..65535');
  return args;
}

/** One log line per request: method, path, status, errorCode, fault. No headers or bodies. */
function logRecord(record) {
  const { response } = record;
  const status = response ? response.status : 'reset';
  const code = response && response.body && typeof response.body === 'object' ? ` errorCode=${response.body.errorCode}` : '';
  const fault = record.fault ? ` fault=${record.fault}` : '';
  console.log(`${new Date(record.startedAt).toISOString()} ${record.method} ${record.path} -> ${status}${code}${fault}`);
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }

  const sandbox = createSandbox({
    unknownMessages: args.acceptAny ? 'accept' : 'error',
    returnMessageId: args.returnMessageId,
    onRecord: args.quiet ? undefined : logRecord,
  });
  const demoMessageIds = Array.from({ length: 1000 }, (_, i) => `msg-${i + 1}`);
  sandbox.seedMessages(DEMO_APP.serviceId, demoMessageIds);
  const seeded = seedDemoData(sandbox);

  const url = await sandbox.listen(args.port, args.host);
  console.log(`Fxiaoke sandbox listening on ${url}`);
  console.log(`  appId:     ${DEMO_APP.appId}`);
  console.log(`  ea:        ${DEMO_APP.ea}   userId (x-fs-userid): ${DEMO_APP.userId}`);
  console.log(`  serviceId: ${DEMO_APP.serviceId}   revocable messageIds: msg-1 .. msg-1000${args.acceptAny ? ' (and any other id)' : ''}`);
  console.log(`  CRM demo data: ${seeded.accounts.length} accounts, ${seeded.contacts.length} contacts, ${seeded.leads.length} leads, 1 opportunity (sandbox/demo-data.js)`);
  console.log('  The demo appSecret and permanentCode are in sandbox/demo-app.js.');
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping sandbox`);
    sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
