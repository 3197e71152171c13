#!/usr/bin/env node
// snmpd pass_persist handler emulating CISCO-PROCESS-MIB cpmCPUTotalTable (.1.3.6.1.4.1.9.9.109.1.1.1.1),
// from shared/docs/real-services.md section 4.
// Protocol (snmpd.conf(5) pass_persist): PING -> PONG; get/getnext + OID line -> OID, TYPE, VALUE lines or NONE.
import readline from 'node:readline';
const BASE = '.1.3.6.1.4.1.9.9.109.1.1.1.1';
const cpus = [1, 2];
function table() {
  const t = Date.now() / 1000, rows = [];
  for (const i of cpus) {
    const load = (k) => Math.max(0, Math.min(100, Math.round(30 + 20 * Math.sin(t / (60 * k) + i))));
    rows.push([`${BASE}.2.${i}`, 'integer', 0]);
    rows.push([`${BASE}.3.${i}`, 'gauge', load(0.1)]);
    rows.push([`${BASE}.4.${i}`, 'gauge', load(1)]);
    rows.push([`${BASE}.5.${i}`, 'gauge', load(5)]);
    rows.push([`${BASE}.6.${i}`, 'gauge', load(0.1)]);
    rows.push([`${BASE}.7.${i}`, 'gauge', load(1)]);
    rows.push([`${BASE}.8.${i}`, 'gauge', load(5)]);
    rows.push([`${BASE}.12.${i}`, 'gauge', 512000 + 1000 * i]);
    rows.push([`${BASE}.13.${i}`, 'gauge', 1536000 - 1000 * i]);
  }
  const key = (o) => o.split('.').slice(1).map(Number);
  const cmp = (a, b) => { const x = key(a), y = key(b); for (let j = 0; j < Math.min(x.length, y.length); j++) if (x[j] !== y[j]) return x[j] - y[j]; return x.length - y.length; };
  rows.sort((a, b) => cmp(a[0], b[0]));
  return { rows, cmp };
}
const rl = readline.createInterface({ input: process.stdin });
let pending = null;
const out = (s) => process.stdout.write(s + '\n');
rl.on('line', (line) => {
  line = line.trim();
  if (pending === null) {
    if (line === 'PING') return out('PONG');
    if (line === 'get' || line === 'getnext') { pending = line; return; }
    if (line === 'set') { pending = 'set'; return; }
    if (line === '') process.exit(0);
    return out('NONE');
  }
  const op = pending; pending = op === 'set' ? 'set-value' : null;
  if (op === 'set-value') { pending = null; return out('not-writable'); }
  const { rows, cmp } = table();
  const hit = op === 'get' ? rows.find(r => r[0] === line) : rows.find(r => cmp(r[0], line) > 0);
  if (!hit) return out('NONE');
  out(hit[0]); out(hit[1]); out(String(hit[2]));
});
