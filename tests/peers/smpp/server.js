// The SMSC of the SMPP backend's integration tests and benchmarks: the `smpp` package's own server.
//
//   node server.js --port 0 [--quiet] [--hex-ids] [--auto-receipts] [--tls-key KEY.pem --tls-cert CERT.pem]
//
// Prints one JSON object per line on stdout (events) and reads one JSON object per line from any connection to
// its control port (commands), announced with the SMPP port in the `listening` event.
// Events: listening {port}, bind, submit_sm (after answering it, with what the server decoded), unbind,
// deliver_sm_resp {id, status}, dropped, query_sm, cancel_sm {ok}, replace_sm {ok, short_message}. Commands: deliver {id, from, to, text}, receipt {id, message_id, to,
// stat, tlv}, drop, throttle {count, status}, drop_at_submit {n}, auto_receipts {on},
// fail_destination {address, status} (submit_multi). Events also: submit_multi {message_id, destinations, unsuccessful}.
'use strict';
const smpp = require('smpp');
const defs = require('smpp/lib/defs');
const net = require('net');
const readline = require('readline');

// Keep the raw octets next to what the smpp package decodes, so tests can check both.
const decodeMessage = defs.filters.message.decode;
defs.filters.message.decode = function (value, skipUdh) {
  const result = decodeMessage.call(this, value, skipUdh);
  if (Buffer.isBuffer(value) && result && typeof result === 'object') {
    result.raw = value;
  }
  return result;
};

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const quiet = args.includes('--quiet');
const hexIds = args.includes('--hex-ids');
let autoReceipts = args.includes('--auto-receipts');

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');
const sessions = new Set();
let submits = 0;
let nextId = 0;
let throttle = { count: 0, status: 0x58 };
let dropAtSubmit = 0;
const messages = new Map();
const failedDestinations = new Map();

const describe = (value) => {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return { raw: value.toString('hex') };
  if (typeof value === 'string') return { message: value };
  return {
    message: Buffer.isBuffer(value.message) ? null : value.message,
    raw: value.raw ? value.raw.toString('hex') : null,
    udh: (value.udh || []).map((u) => u.toString('hex')),
  };
};

const fs = require('fs');
const tlsKey = option('--tls-key', null);
const tlsCert = option('--tls-cert', null);
const serverOptions = tlsKey && tlsCert ? { key: fs.readFileSync(tlsKey), cert: fs.readFileSync(tlsCert) } : {};

const server = smpp.createServer(serverOptions, (session) => {
  sessions.add(session);
  session.on('close', () => sessions.delete(session));
  session.on('error', () => sessions.delete(session));
  const bind = (pdu) => {
    session.bound = pdu.command;
    if (!quiet) emit({ event: 'bind', command: pdu.command, system_id: pdu.system_id, password_length: (pdu.password || '').length });
    session.send(pdu.response({ system_id: 'NodeSmsc' }));
  };
  session.on('bind_transceiver', bind);
  session.on('bind_transmitter', bind);
  session.on('bind_receiver', bind);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    if (!quiet) emit({ event: 'unbind' });
    session.send(pdu.response());
    session.close();
  });
  // query_sm / cancel_sm / replace_sm against the messages this server accepted (not kept with --quiet).
  const final = (state) => [2, 3, 4, 5, 8].includes(state);
  session.on('query_sm', (pdu) => {
    const message = messages.get(pdu.message_id);
    emit({ event: 'query_sm', message_id: pdu.message_id, source_addr: pdu.source_addr });
    session.send(message
      ? pdu.response({ message_id: pdu.message_id, final_date: '', message_state: message.state, error_code: 0 })
      : pdu.response({ command_status: 0x67 }));
  });
  session.on('cancel_sm', (pdu) => {
    const message = messages.get(pdu.message_id);
    const ok = message && !final(message.state) && message.destination === pdu.destination_addr;
    if (ok) message.state = 4;
    emit({ event: 'cancel_sm', message_id: pdu.message_id, destination_addr: pdu.destination_addr, ok: !!ok });
    session.send(pdu.response({ command_status: ok ? 0 : 0x11 }));
  });
  session.on('replace_sm', (pdu) => {
    const message = messages.get(pdu.message_id);
    const ok = message && !final(message.state);
    emit({ event: 'replace_sm', message_id: pdu.message_id, ok: !!ok, short_message: describe(pdu.short_message) });
    session.send(pdu.response({ command_status: ok ? 0 : 0x13 }));
  });
  // submit_multi: one id for all; destinations listed with `fail_destination` come back in unsuccess_sme.
  session.on('submit_multi', (pdu) => {
    nextId++;
    const id = String(nextId);
    const dests = (pdu.dest_address || []).filter((d) => 'destination_addr' in d);
    const unsuccess = dests.filter((d) => failedDestinations.has(d.destination_addr)).map((d) => ({
      dest_addr_ton: d.dest_addr_ton, dest_addr_npi: d.dest_addr_npi, destination_addr: d.destination_addr,
      error_status_code: failedDestinations.get(d.destination_addr),
    }));
    session.send(pdu.response({ message_id: id, unsuccess_sme: unsuccess }));
    for (const d of dests) {
      if (!failedDestinations.has(d.destination_addr)) messages.set(`${id}@${d.destination_addr}`, { state: 1, destination: d.destination_addr });
    }
    emit({
      event: 'submit_multi',
      message_id: id,
      destinations: dests.map((d) => d.destination_addr),
      unsuccessful: unsuccess.map((u) => u.destination_addr),
      data_coding: pdu.data_coding,
      short_message: describe(pdu.short_message),
    });
  });
  session.on('submit_sm', (pdu) => {
    submits++;
    if (dropAtSubmit > 0 && submits >= dropAtSubmit) {
      dropAtSubmit = 0;
      if (!quiet) emit({ event: 'submit_sm', acked: false, destination_addr: pdu.destination_addr, short_message: describe(pdu.short_message) });
      session.destroy();
      emit({ event: 'dropped' });
      return;
    }
    if (throttle.count > 0) {
      throttle.count--;
      session.send(pdu.response({ command_status: throttle.status }));
      if (!quiet) emit({ event: 'throttled', destination_addr: pdu.destination_addr });
      return;
    }
    nextId++;
    const id = hexIds ? nextId.toString(16).toUpperCase().padStart(8, '0') : String(nextId);
    session.send(pdu.response({ message_id: id }));
    if (!quiet) messages.set(id, { state: 1, destination: pdu.destination_addr });
    if (!quiet) {
      emit({
        event: 'submit_sm',
        acked: true,
        message_id: id,
        source_addr: pdu.source_addr,
        source_addr_ton: pdu.source_addr_ton,
        source_addr_npi: pdu.source_addr_npi,
        destination_addr: pdu.destination_addr,
        dest_addr_ton: pdu.dest_addr_ton,
        data_coding: pdu.data_coding,
        esm_class: pdu.esm_class,
        registered_delivery: pdu.registered_delivery,
        short_message: describe(pdu.short_message),
        message_payload: describe(pdu.message_payload),
        sar: pdu.sar_msg_ref_num !== undefined
          ? { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum }
          : null,
      });
    }
    if (autoReceipts && (pdu.registered_delivery & 3)) {
      const decimal = String(nextId);
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        source_addr_ton: pdu.dest_addr_ton,
        esm_class: 4,
        short_message: `id:${decimal} sub:001 dlvrd:001 submit date:2611220000 done date:2611220000 stat:DELIVRD err:000 text:`,
      });
    }
  });
});

const receivers = () => [...sessions].filter((s) => s.bound === 'bind_transceiver' || s.bound === 'bind_receiver');

const onCommand = (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    emit({ event: 'error', message: `not JSON: ${line}` });
    return;
  }
  const answer = (id) => (resp) => emit({ event: 'deliver_sm_resp', id, status: resp.command_status });
  switch (cmd.cmd) {
    case 'deliver': {
      const target = receivers()[0];
      if (!target) {
        emit({ event: 'deliver_sm_resp', id: cmd.id, status: -1 });
        return;
      }
      const plus = cmd.from.startsWith('+');
      target.deliver_sm({
        source_addr: plus ? cmd.from.slice(1) : cmd.from,
        source_addr_ton: plus ? 1 : 0,
        source_addr_npi: 1,
        destination_addr: cmd.to || '8888',
        short_message: cmd.udh ? { udh: Buffer.from(cmd.udh, 'hex'), message: cmd.text } : cmd.text,
      }, answer(cmd.id));
      break;
    }
    case 'receipt': {
      const target = receivers()[0];
      if (!target) {
        emit({ event: 'deliver_sm_resp', id: cmd.id, status: -1 });
        return;
      }
      const plus = (cmd.to || '').startsWith('+');
      const pdu = {
        source_addr: plus ? cmd.to.slice(1) : cmd.to,
        source_addr_ton: plus ? 1 : 0,
        esm_class: 4,
        short_message: `id:${cmd.message_id} sub:001 dlvrd:${cmd.stat === 'DELIVRD' ? '001' : '000'} submit date:2611220000 done date:2611220000 stat:${cmd.stat} err:${cmd.err || '000'} text:`,
      };
      if (cmd.tlv) {
        pdu.receipted_message_id = cmd.message_id;
        pdu.message_state = cmd.stat === 'DELIVRD' ? 2 : 5;
      }
      target.deliver_sm(pdu, answer(cmd.id));
      break;
    }
    case 'drop':
      for (const s of sessions) s.destroy();
      sessions.clear();
      emit({ event: 'dropped' });
      break;
    case 'throttle':
      throttle = { count: cmd.count, status: cmd.status || 0x58 };
      break;
    case 'drop_at_submit':
      dropAtSubmit = submits + cmd.n;
      break;
    case 'fail_destination':
      failedDestinations.set(cmd.address, cmd.status || 0x0b);
      break;
    case 'auto_receipts':
      autoReceipts = !!cmd.on;
      break;
    default:
      emit({ event: 'error', message: `unknown command ${cmd.cmd}` });
  }
};

const control = net.createServer((socket) => {
  socket.on('error', () => {});
  readline.createInterface({ input: socket }).on('line', onCommand);
});

control.listen(0, '127.0.0.1', () => {
  server.listen(Number(option('--port', '0')), '127.0.0.1', () =>
    emit({ event: 'listening', port: server.address().port, control: control.address().port }));
});
