import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateJournal, type AlertingState } from './journal.js';
import type { AlertRecord } from './state.js';
import { AlertingHarness, removeHarnessDirs, trunk } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/receivers.js';

const dirs: string[] = [];
const receivers: HttpReceiver[] = [];
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  removeHarnessDirs();
  await Promise.all(receivers.map((r) => r.close()));
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-journal-'));
  dirs.push(dir);
  return dir;
};

const alert = (n: number, state: AlertRecord['state'] = 'firing'): AlertRecord => ({
  fingerprint: `fp${n}`,
  rule: 'iad-down',
  labels: { alertname: 'iad-down', device: `iad${n}` },
  annotations: {},
  state,
  seen: 0,
});

/** The state an engine would snapshot, from the records it holds. */
const whole = (alerts: Map<string, AlertRecord>) => (): AlertingState => ({
  version: 1,
  savedAt: 0,
  alerts: [...alerts.values()],
  groups: [],
  outbox: [],
  silences: [],
});

describe('the alerting state journal', () => {
  it('replays the snapshot, then the committed changes; a torn last commit is cut off and counted', () => {
    const dir = tempDir();
    const journal = new StateJournal(dir);
    expect(journal.load()).toEqual({ state: undefined, applied: 0, cut: 0 });
    const alerts = new Map<string, AlertRecord>();
    for (let n = 0; n < 5; n++) {
      alerts.set(`fp${n}`, alert(n));
      journal.put('alert', `fp${n}`, alerts.get(`fp${n}`)!);
    }
    const written = journal.commit(whole(alerts));
    expect(readFileSync(journal.file).length).toBe(written);
    alerts.get('fp1')!.state = 'resolved';
    journal.put('alert', 'fp1', alerts.get('fp1')!);
    alerts.delete('fp3');
    journal.remove('alert', 'fp3');
    journal.commit(whole(alerts));
    expect(journal.commit(whole(alerts))).toBe(0); // nothing changed: nothing written
    const committed = readFileSync(journal.file);

    // A crash while appending the next commit: one whole line and half of another, no commit line.
    appendFileSync(journal.file, `${JSON.stringify({ put: 'alert', id: 'fp9', value: alert(9) })}\n{"put":"alert","id":"fp1","val`);
    const replayed = new StateJournal(dir).load();
    expect(replayed.cut).toBe(2);
    expect(replayed.applied).toBe(7);
    expect(replayed.state!.alerts).toEqual([...alerts.values()]);
    expect(readFileSync(journal.file)).toEqual(committed); // cut from the file too

    // Appending goes on after the cut.
    const again = new StateJournal(dir);
    again.load();
    again.put('alert', 'fp7', alert(7));
    again.commit(whole(alerts));
    expect(new StateJournal(dir).load().state!.alerts.map((a) => a.fingerprint)).toEqual(['fp0', 'fp1', 'fp2', 'fp4', 'fp7']);
  });

  it('damage before the last commit is an error naming the file and line, not a silent loss', () => {
    const dir = tempDir();
    const journal = new StateJournal(dir);
    journal.put('alert', 'fp0', alert(0));
    journal.commit(whole(new Map()));
    journal.put('alert', 'fp1', alert(1));
    journal.commit(whole(new Map()));
    writeFileSync(journal.file, readFileSync(journal.file, 'utf8').replace('"fp0"', '"fp0'));
    expect(() => new StateJournal(dir).load()).toThrow(/journal-0\.jsonl:1: unreadable alerting journal line/);
  });

  it('is compacted into a new snapshot once it outgrows the snapshot; the old journal goes, the state stays', () => {
    const dir = tempDir();
    const journal = new StateJournal(dir, 10_000);
    journal.load();
    const alerts = new Map<string, AlertRecord>();
    let compactions = 0;
    for (let n = 0; n < 300; n++) {
      const record = alerts.get(`fp${n % 40}`) ?? alert(n % 40, 'pending');
      record.state = record.state === 'pending' ? 'firing' : 'pending';
      alerts.set(record.fingerprint, record);
      journal.put('alert', record.fingerprint, record);
      const before = journal.file;
      journal.commit(whole(alerts));
      if (journal.file !== before) {
        compactions++;
        expect(existsSync(before)).toBe(false);
      }
    }
    expect(compactions).toBeGreaterThanOrEqual(3);
    const snapshot = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as AlertingState;
    expect(snapshot.journal).toBe(compactions);
    expect(readdirSync(dir).filter((f) => f.startsWith('journal-') && f !== `journal-${compactions}.jsonl`)).toEqual([]);
    expect(new StateJournal(dir).load().state!.alerts).toEqual([...alerts.values()]);

    // A crash during compaction, before the snapshot was renamed: the leftover next journal is never replayed.
    writeFileSync(
      join(dir, `journal-${compactions + 1}.jsonl`),
      `${JSON.stringify({ put: 'alert', id: 'stale', value: alert(99) })}\n{"commit":1}\n`,
    );
    expect(new StateJournal(dir).load().state!.alerts).toEqual([...alerts.values()]);
    expect(existsSync(join(dir, `journal-${compactions + 1}.jsonl`))).toBe(false);
  });
});

describe('kill -9 with a torn journal', () => {
  it('a firing, paged alert is restored: no second trigger, one resolve; the cut is logged', async () => {
    const hook = await startHttpReceiver(
      () => 0,
      () => 200,
    );
    receivers.push(hook);
    const h = new AlertingHarness({
      groupWait: '0s',
      rules: [{ name: 'trunk-down', kind: 'link', match: ['kind=sip-trunk'], resolveAfter: '10s' }],
      notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
    });
    await h.run(5_000, 1_000, (t) => [trunk(t, 'a', 'g1', false)]);
    expect(hook.received.map((r) => r.body.event)).toEqual(['trigger']);
    // The process dies in the middle of its next commit.
    const journal = readdirSync(join(h.stateDir, 'alerting')).find((f) => f.startsWith('journal-'))!;
    appendFileSync(join(h.stateDir, 'alerting', journal), '{"put":"group","id":"alertname=\\"trunk-');
    h.restart();
    expect(h.logger.lines.some((e) => e.code === 'CALLBOARD_ALERTING_JOURNAL_CUT' && e.lines === 1)).toBe(true);
    expect(h.engine.alerts()).toMatchObject([{ rule: 'trunk-down', state: 'firing' }]);
    await h.run(10_000, 1_000, (t) => [trunk(t, 'a', 'g1', false)]);
    await h.run(80_000, 1_000, (t) => [trunk(t, 'a', 'g1', true)]);
    expect(hook.received.map((r) => r.body.event)).toEqual(['trigger', 'resolve']);
  });
});
