// The whole collector (`callboard run`: cdr input tailing a large CDR file, InfluxDB output with
// its disk spool) killed with SIGKILL at random moments under load, once while InfluxDB was down
// too, and restarted each time: the daily totals and the per-call points in InfluxDB equal the
// simulator's own exactly (nothing lost, nothing counted twice), and so do the call attempts the
// traffic profile counted for the trunk group of the CDRs' trunks (/api/v1/trunk-groups): while
// InfluxDB is down the profile has saved batches the input cannot checkpoint, so every kill then
// makes the input read a batch the profile already counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { callboardJson, ROOT, type SimJson } from '../collector/src/inputs/cdr/testing/e2e-support.js';
import { SIM_TRUNKS } from '../collector/src/inputs/cdr/sim/generate.js';
import { Zone } from '../collector/src/inputs/cdr/zone.js';
import { queryRows } from './support/influx-query.js';

const TZ = 'America/New_York';
const BIN = join(ROOT, 'collector', 'bin', 'callboard.mjs');
const DB = 'fault_kill';
const TOKEN = 'fault-kill-test-token-7c1f';

let influxd: Influxd;
let work: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'callboard-fault-kill-'));
  influxd = await startInfluxd();
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await influxd?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  log: () => string;
  started: Promise<void>;
}

function startCollector(configFile: string): Run {
  const child = spawn(process.execPath, [BIN, 'run', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('collector started')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`collector exited (${code ?? signal}) before it started:\n${out.slice(-3000)}`)));
  });
  return { child, log: () => out, started };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    throw new Error(`the collector had already exited (${child.exitCode ?? child.signalCode})`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fault: collector killed with SIGKILL under load', () => {
  it(
    'CDR totals in InfluxDB stay exact across kills at random moments, one of them during an InfluxDB outage',
    { timeout: 170_000 },
    async () => {
      const zone = new Zone(TZ);
      const firstDay = Zone.addDays(zone.dayOf(Date.now()), -3); // inside the raw retention period
      const sim = callboardJson<SimJson>(
        'sim',
        'cdr',
        '--calls-per-day',
        '80000',
        '--days',
        '2',
        '--start',
        firstDay,
        '--format',
        'asterisk',
        '--tz',
        TZ,
        '--out',
        join(work, 'sim'),
        '--json',
      );
      const dialPlan = JSON.parse(JSON.stringify((await import('yaml')).parse(readFileSync(sim.dialPlan, 'utf8'))));
      // One large file, growing while the collector runs: day one now, day two appended after the first kill.
      mkdirSync(join(work, 'cdr'));
      const master = join(work, 'cdr', 'Master.csv');
      writeFileSync(master, readFileSync(sim.files[0]!));
      const configFile = join(work, 'callboard.json');
      process.env.CALLBOARD_FAULT_KILL_TOKEN = TOKEN; // the collectors inherit it
      writeFileSync(
        configFile,
        JSON.stringify({
          stateDir: join(work, 'state'),
          timezone: TZ,
          log: { level: 'info' },
          api: { port: 0, token: { env: 'CALLBOARD_FAULT_KILL_TOKEN' } },
          // Asterisk names a trunk by its channel's peer ("SIP/trunk-a"); both spellings are in the sim's trunk list.
          trunkGroups: [{ name: 'pbx1-pstn', members: SIM_TRUNKS.flatMap((t) => [`pbx1/${t}`, `pbx1/SIP/${t}`]), capacity: 200 }],
          outputs: {
            influx: { url: influxd.url, database: DB, flushInterval: '200ms', retry: { initial: '100ms', max: '1s' }, timeout: '2s' },
          },
          inputs: [
            { type: 'cdr', name: 'pbx1', paths: [master], format: 'asterisk', pollInterval: 50, maxBatchBytes: 65_536, ...dialPlan },
          ],
        }),
      );
      const random = (from: number, to: number) => from + Math.floor(Math.random() * (to - from));
      const kills: string[] = [];

      // 1. Killed at a random point of the first file's ingest. Ingest speed varies from machine to
      // machine, so a random delay could land after the end of the file: the kill follows the
      // committed offset in the input's checkpoint instead, at a random fraction of the file.
      const firstFileSize = statSync(master).size;
      const checkpointFile = join(work, 'state', 'cdr-pbx1.json');
      const readState = <T>(file: string): T | undefined => {
        try {
          return JSON.parse(readFileSync(file, 'utf8')) as T; // replaced by rename: never half written
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw error;
        }
      };
      const committedOffset = (): number =>
        readState<{ files: { path: string; offset: number }[] }>(checkpointFile)?.files.find((f) => f.path === master)?.offset ?? 0;
      /** The traffic profile saved a batch with calls that the input has not checkpointed yet: a kill now makes the input read it again. */
      const profileAheadOfCheckpoint = (): boolean => {
        const batch = readState<{ cdrBatches?: Record<string, { callsBefore: number; added: { attempts: object } }> }>(
          join(work, 'state', 'traffic-profile.json'),
        )?.cdrBatches?.pbx1;
        const counted = readState<{ engine: { sequence: number } }>(checkpointFile)?.engine.sequence;
        return batch !== undefined && batch.callsBefore === counted && Object.keys(batch.added.attempts).length > 0;
      };
      const killAtOffset = random(Math.floor(firstFileSize * 0.1), Math.floor(firstFileSize * 0.7));
      let run = startCollector(configFile);
      await run.started;
      const ingestDeadline = Date.now() + 60_000;
      while (committedOffset() < killAtOffset) {
        if (Date.now() > ingestDeadline || run.child.exitCode !== null || run.child.signalCode !== null)
          throw new Error(
            `checkpoint never reached offset ${killAtOffset} of ${firstFileSize}: at ${committedOffset()}\n${run.log().slice(-3000)}`,
          );
        await sleep(5);
      }
      // ... and at a moment the profile is ahead of the checkpoint: the collector is stopped (SIGSTOP)
      // while both files are read, so what they say is what a kill then leaves behind.
      let profileAhead = false;
      for (let tries = 0; !profileAhead; tries++) {
        if (tries > 5000 || run.child.exitCode !== null)
          throw new Error(`never caught the profile ahead of the checkpoint (${tries} tries)`);
        run.child.kill('SIGSTOP');
        profileAhead = profileAheadOfCheckpoint();
        if (!profileAhead) {
          run.child.kill('SIGCONT');
          await sleep(random(1, 8));
        }
      }
      await kill9(run.child);
      kills.push('mid-file');
      const offsetAtKill = committedOffset(); // the dead process can no longer move it
      expect(offsetAtKill).toBeGreaterThanOrEqual(killAtOffset);
      expect(offsetAtKill).toBeLessThan(firstFileSize); // killed mid-file, by the collector's own record
      const [afterFirst] = await queryRows(influxd.url, DB, 'SELECT calls FROM raw.cdr_day');
      expect(afterFirst?.calls ?? 0).toBeLessThan(sim.days[0]!.calls);
      appendFileSync(master, readFileSync(sim.files[1]!));

      // 2. InfluxDB dies; the collector goes on into its spool, and is killed twice meanwhile.
      await influxd.kill9();
      for (let i = 0; i < 2; i++) {
        run = startCollector(configFile);
        await run.started;
        await sleep(random(300, 2000));
        await kill9(run.child);
        kills.push('influxdb down');
      }
      const spooled = run.log();
      const spoolBytes = () =>
        readdirSync(join(work, 'state', 'influx-spool'))
          .filter((f) => f.startsWith('seg-'))
          .reduce((a, f) => a + statSync(join(work, 'state', 'influx-spool', f)).size, 0);
      expect(spoolBytes()).toBeGreaterThan(100_000);
      // A kill in the middle of an append leaves a torn last record; make sure there is one: a
      // header announcing 7 points and a payload cut short.
      const spoolDir = join(work, 'state', 'influx-spool');
      const lastSegment = join(
        spoolDir,
        readdirSync(spoolDir)
          .filter((f) => f.startsWith('seg-'))
          .sort()
          .at(-1)!,
      );
      const torn = Buffer.from('7 1795000000000\n["cdr_call,source=pbx1 calls=1i');
      appendFileSync(lastSegment, Buffer.concat([Buffer.from([0x00, 0x10, 0, 0, 1, 2, 3, 4]), torn]));

      // 3. InfluxDB back; killed once more while the spool replays and the file is read on.
      await influxd.restart();
      run = startCollector(configFile);
      await run.started;
      await sleep(random(100, 1500));
      expect(run.log()).toMatch(/replaying points left from the last run/);
      expect(run.log()).toMatch(/"code":"CALLBOARD_INFLUX_SPOOL_DAMAGED".*the last record is torn/);
      await kill9(run.child);
      kills.push('replaying');

      // 4. Last start: it catches up.
      run = startCollector(configFile);
      await run.started;
      const dayRows = async () => {
        const rows = await queryRows(influxd.url, DB, 'SELECT calls, answered, billable_ms FROM raw.cdr_day');
        return rows.map((r) => ({ calls: r.calls, answered: r.answered, billable_ms: r.billable_ms }));
      };
      const expected = sim.days.map((d) => ({ calls: d.calls, answered: d.answered, billable_ms: d.billableSeconds * 1000 }));
      const deadline = Date.now() + 90_000;
      while (JSON.stringify(await dayRows()) !== JSON.stringify(expected)) {
        if (Date.now() > deadline)
          throw new Error(
            `totals never matched: ${JSON.stringify(await dayRows())} vs ${JSON.stringify(expected)}\n${run.log().slice(-3000)}`,
          );
        await sleep(250);
      }
      await sleep(1500); // anything counted twice would show up now
      expect(await dayRows()).toEqual(expected);
      const { start } = zone.dayRange(firstDay);
      const [perCall] = await queryRows(
        influxd.url,
        DB,
        `SELECT sum(calls) AS calls, sum(answered) AS answered, sum(billable_ms) AS billable_ms FROM raw.cdr_call WHERE time >= ${start}ms`,
      );
      const total = (k: 'calls' | 'answered' | 'billable_ms') => expected.reduce((a, d) => a + d[k], 0);
      expect(perCall).toMatchObject({ calls: total('calls'), answered: total('answered'), billable_ms: total('billable_ms') });

      // The traffic profile: every call on a trunk (all but the on-net ones) is one attempt, counted once across the kills.
      const api = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*API listening/.exec(run.log())?.[1];
      expect(api, 'the API URL in the log').toBeDefined();
      const response = await fetch(`${api}/api/v1/trunk-groups?days=7`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const { groups } = (await response.json()) as {
        groups: { name: string; blocking: { lastDays: { attempts: number; blocked: number } } }[];
      };
      const onTrunks = sim.days.reduce((a, d) => a + d.calls - (d.byClass.on_net?.calls ?? 0), 0);
      const [blockedStored] = await queryRows(
        influxd.url,
        DB,
        `SELECT sum(calls) AS calls FROM raw.cdr_call WHERE time >= ${start}ms AND trunk != 'none' AND (cause = 34 OR sip_code = 503)`,
      );
      expect(groups.find((g) => g.name === 'pbx1-pstn')?.blocking.lastDays).toMatchObject({
        attempts: onTrunks,
        blocked: blockedStored?.calls ?? 0,
      });

      // The spool carried points across the crashes during the outage, and it is empty again.
      expect(spooled).toMatch(/InfluxDB write failed|waiting for InfluxDB/);
      // No error in the last run, except a torn spool record left by a kill that landed mid-append (skipped and counted, by design).
      const errors = run
        .log()
        .split('\n')
        .filter((l) => /"level":(50|60)/.test(l) && !l.includes('CALLBOARD_INFLUX_SPOOL_DAMAGED'));
      expect(errors).toEqual([]);
      const exited = new Promise((resolve) => run.child.once('exit', resolve));
      run.child.kill('SIGTERM');
      await exited;
      expect(run.log()).toMatch(/InfluxDB output stopped, everything written/);
      expect(spoolBytes()).toBeLessThan(16 * 1024 ** 2); // acked segments were removed
      expect(kills).toHaveLength(4);
    },
  );
});
