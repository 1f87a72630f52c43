// submit_sm throughput of the node `smpp` package's own client against an SMSC on 127.0.0.1.
//
//   node bench/smpp/node-client.js --port 2775 --messages 200000 --window 64
//
// Keeps --window submit_sm outstanding, like the RapidSms client's window, and prints one JSON line.
'use strict';
const path = require('path');
const smpp = require(path.join(__dirname, '..', '..', 'tests', 'peers', 'smpp', 'node_modules', 'smpp'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
};
const port = option('--port', 2775);
const messages = option('--messages', 200000);
const window = option('--window', 64);
const warmup = Math.min(20000, Math.floor(messages / 5));

const session = smpp.connect({ host: '127.0.0.1', port });
session.on('error', (e) => {
  console.error(e.message);
  process.exit(1);
});

const run = (count, done) => {
  let sent = 0;
  let answered = 0;
  let failed = 0;
  const sendOne = () => {
    sent++;
    session.submit_sm({
      destination_addr: '256700000001',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      registered_delivery: 0,
      short_message: 'Throughput test message, plain GSM text.',
    }, (pdu) => {
      answered++;
      if (pdu.command_status !== 0) failed++;
      if (sent < count) sendOne();
      else if (answered === count) done(failed);
    });
  };
  for (let i = 0; i < Math.min(window, count); i++) sendOne();
};

session.bind_transceiver({ system_id: 'bench', password: 'bench' }, (pdu) => {
  if (pdu.command_status !== 0) {
    console.error(`bind failed: ${pdu.command_status}`);
    process.exit(1);
  }
  run(warmup, () => {
    const started = process.hrtime.bigint();
    run(messages, (failed) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(JSON.stringify({ client: 'node-smpp', target: 'node', messages, window, failed, seconds: Number(seconds.toFixed(3)), rate: Math.round(messages / seconds) }));
      session.close();
      process.exit(failed === 0 ? 0 : 1);
    });
  });
});
