import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KamailioParseError, gatewayState, parseDialogStates, parseDispatcherList, parseSwitchCounters, parseTrunkCounters, parseUptime } from './parse.js';

// Replies recorded from a real Kamailio 5.6.3 after 60 calls (testdata/).
const recorded = (name: string) => JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')).result;

describe('Kamailio RPC parsers on recorded replies', () => {
  it('reads dispatcher.list gateways with their names and states', () => {
    const gateways = parseDispatcherList(recorded('dispatcher-list.json'));
    expect(gateways.map((g) => [g.name, g.uri, g.state, g.setId])).toEqual([
      ['trunk-b', 'sip:127.0.0.1:25072', 'down', 1],
      ['trunk-a', 'sip:127.0.0.1:25070', 'up', 1],
    ]);
    expect(gateways[1]!.latencyAvgMs).toBeGreaterThanOrEqual(0);
  });

  it('reads stats.fetch counters, which Kamailio returns as strings', () => {
    const counters = parseSwitchCounters(recorded('stats-fetch.json'));
    expect(counters.processedDialogs).toBe(60);
    expect(counters.failedDialogs).toBe(0);
    expect(counters.busyReplies).toBe(0);
  });

  it('counts cancelled calls from the script statistic, else from CANCEL requests', () => {
    const base = recorded('stats-fetch.json');
    expect(parseSwitchCounters({ ...base, 'core.rcv_requests_cancel': '9', 'script.cancelled_calls': '4' }).cancelledCalls).toBe(4);
    expect(parseSwitchCounters({ ...base, 'core.rcv_requests_cancel': '9' }).cancelledCalls).toBe(9);
    expect(() => parseSwitchCounters({ ...base, 'script.cancelled_calls': '-1' })).toThrow(/script.cancelled_calls/);
  });

  it('reads dlg.stats_active and core.uptime', () => {
    expect(parseDialogStates(recorded('dlg-stats-active.json'))).toEqual({ starting: 0, connecting: 0, answering: 0, ongoing: 0 });
    expect(parseUptime(recorded('core-uptime.json')).upSince).toMatch(/2026/);
  });
});

describe('Kamailio RPC parsers on bad replies', () => {
  it.each([
    ['a string result', () => parseDialogStates('oops'), /dlg.stats_active: result is not an object/],
    ['a negative count', () => parseDialogStates({ starting: -1, connecting: 0, answering: 0, ongoing: 0 }), /starting is not a non-negative integer/],
    ['a missing counter', () => parseSwitchCounters({ 'dialog.processed_dialogs': '1' }), /dialog.failed_dialogs/],
    ['a counter that is not a number', () => parseSwitchCounters({ 'dialog.processed_dialogs': 'x' }), /processed_dialogs/],
    ['TARGETS not a list', () => parseDispatcherList({ RECORDS: [{ SET: { ID: 1, TARGETS: 3 } }] }), /TARGETS is not a list/],
    ['a DEST without URI', () => parseDispatcherList({ RECORDS: [{ SET: { ID: 1, TARGETS: [{ DEST: { FLAGS: 'AP' } }] } }] }), /lacks URI/],
    ['no up_since', () => parseUptime({ uptime: 3 }), /up_since missing/],
  ])('names the problem for %s', (_what, parse, message) => {
    expect(parse).toThrow(KamailioParseError);
    expect(parse).toThrow(message);
  });

  it('treats an empty dispatcher list as no gateways', () => {
    expect(parseDispatcherList({ NRSETS: 0 })).toEqual([]);
    expect(parseDispatcherList(undefined)).toEqual([]);
  });

  it('maps every dispatcher flag letter', () => {
    expect(['AP', 'IP', 'TP', 'DX', 'AX'].map(gatewayState)).toEqual(['up', 'down', 'probing', 'disabled', 'up']);
    expect(() => gatewayState('ZZ')).toThrow(/unknown FLAGS/);
  });

  it('falls back from name to duid to URI', () => {
    const dest = (ATTRS: object) => ({ RECORDS: [{ SET: { ID: 2, TARGETS: [{ DEST: { URI: 'sip:gw', FLAGS: 'AP', ATTRS } }] } }] });
    expect(parseDispatcherList(dest({ BODY: 'duid=d1;name=pstn-east', DUID: 'd1' }))[0]!.name).toBe('pstn-east');
    expect(parseDispatcherList(dest({ BODY: 'duid=d1', DUID: 'd1' }))[0]!.name).toBe('d1');
    expect(parseDispatcherList(dest({}))[0]!.name).toBe('sip:gw');
  });
});

describe('parseTrunkCounters', () => {
  // Shape recorded from a real Kamailio 5.6.3 (htable.dump trunk_calls) after 40 calls over two trunks; the blocked entry added.
  const dump = [
    { entry: 21, size: 1, slot: [{ name: 'sip:127.0.0.1:51054::attempts', value: 20, type: 'int' }] },
    { entry: 28, size: 1, slot: [{ name: 'sip:127.0.0.1:51054::failed', value: 4, type: 'int' }] },
    { entry: 73, size: 2, slot: [{ name: 'sip:127.0.0.1:46249::answered', value: 20, type: 'int' }, { name: 'sip:127.0.0.1:46249::attempts', value: 20, type: 'int' }] },
    { entry: 157, size: 1, slot: [{ name: 'sip:127.0.0.1:51054::active', value: -1, type: 'int' }] },
    { entry: 245, size: 1, slot: [{ name: 'sip:127.0.0.1:51054::answered', value: 16, type: 'int' }, { name: 'unrelated', value: 'x', type: 'str' }] },
    { entry: 250, size: 1, slot: [{ name: 'sip:127.0.0.1:51054::blocked', value: 3, type: 'int' }] },
  ];

  it('groups counters by gateway URI and clamps a transiently negative level', () => {
    const trunks = parseTrunkCounters(dump, 'trunk_calls');
    expect(Object.fromEntries(trunks)).toEqual({
      'sip:127.0.0.1:51054': { attempts: 20, answered: 16, failed: 4, blocked: 3, active: 0 },
      'sip:127.0.0.1:46249': { attempts: 20, answered: 20, failed: 0, blocked: 0, active: 0 },
    });
  });

  it('names a malformed reply', () => {
    expect(() => parseTrunkCounters({}, 'trunk_calls')).toThrow('htable.dump trunk_calls: result is not a list');
    expect(() => parseTrunkCounters([{ slot: [{ name: 'sip:x::attempts', value: 'lots' }] }], 't')).toThrow(/sip:x::attempts is not a non-negative integer/);
    expect(parseTrunkCounters(null, 't').size).toBe(0);
  });
});
