// `npm start` on a fresh clone of this repository, as a person would run it: it builds, starts the
// demo (private InfluxDB, Kamailio + SIPp, simulated routers, IADs and CDRs, collector, preview),
// the preview in Chromium shows live calls within 60 s, and Ctrl-C (SIGINT to the foreground
// process group) stops everything it started. The clone shares this checkout's installed
// node_modules (a fresh `npm ci` would download ~1 GB) and sits beside a link to ../shared, as the
// CI checkout does.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../collector/src/devstack/process.js';
import { launchChromium, openPreview } from '../collector/src/preview/browser.js';

const ROOT = join(import.meta.dirname, '..');
const SHOTS = join(ROOT, '.vitest-artifacts');
const tmp = mkdtempSync(join(tmpdir(), 'callboard-demo-'));
const clone = join(tmp, 'callboard');
const dataDir = join(tmp, 'demo-data');

let npm: ChildProcess | undefined;
let browser: Browser | undefined;
let output = '';

/** Every process whose parent chain leads to pid (read from /proc). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, ppid] of parent) if (ppid === p) (out.push(child), queue.push(child));
  }
  return out;
}

const alive = (pid: number) => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
};

/** Processes that mention the demo's folders on their command line (also ones started after a snapshot). */
const mentioningDemo = () =>
  readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(tmp);
      } catch {
        return false;
      }
    })
    .map(Number);

afterAll(async () => {
  await browser?.close();
  if (npm?.pid && npm.exitCode === null) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('npm start on a fresh clone', () => {
  it('brings the demo up, the preview shows live calls within 60 s, and Ctrl-C leaves no process behind', async () => {
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    const shared = join(ROOT, '..', 'shared');
    if (existsSync(shared)) symlinkSync(shared, join(tmp, 'shared'));
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    symlinkSync(join(ROOT, 'plugin', 'node_modules'), join(clone, 'plugin', 'node_modules'));
    // The clone's lock file is as old as the installed packages: ensure-deps must not reinstall them.
    const installed = statSync(join(ROOT, 'node_modules', '.package-lock.json')).mtime;
    utimesSync(join(clone, 'package-lock.json'), installed, new Date(installed.getTime() - 1000));
    mkdirSync(dataDir);

    const started = Date.now();
    npm = spawn(
      'npm',
      [
        'start',
        '--',
        '--dir',
        dataDir,
        '--api-port',
        '0',
        '--preview-port',
        '0',
        '--iads',
        '20',
        '--pending-iads',
        '2',
        '--cdr-calls-per-day',
        '2000',
        '--cdr-days',
        '3',
      ],
      {
        cwd: clone,
        detached: true, // its own process group, like a terminal's foreground job
        stdio: ['ignore', 'pipe', 'pipe'],
        env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'CALLBOARD_API_TOKEN')),
      },
    );
    npm.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | string>((resolve) => npm!.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));

    const panelUrl = await waitFor(() => /panel\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1], {
      timeoutMs: 180_000,
      intervalMs: 200,
      what: () => `the demo's URLs on stdout; so far:\n${output}`,
    });
    const upAfterMs = Date.now() - started;
    for (const line of ['API', 'live ws', 'InfluxDB', 'SNMP', 'CDRs']) expect(output).toMatch(new RegExp(`^  ${line} `, 'm'));
    expect(output).toMatch(/SNMP\s+9 routers/); // the 8 recordings beside the clone and the synthetic IP SLA gateway

    browser = await launchChromium();
    const { page, errors } = await openPreview(browser, panelUrl, { view: 'calls' });
    const shownAt = Date.now();
    const active = await waitFor(
      async () => {
        const text = (await page.textContent('[data-testid="active-calls"]')) ?? '';
        const n = text === '—' ? 0 : Number(text.replace(/,/g, ''));
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'non-zero active calls in the preview' },
    );
    const callsAfterMs = Date.now() - shownAt;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'demo-preview-calls.png') });
    expect(active).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    // The other two views are the dashboards' panels too: trunk-c's gateway is absent on purpose; CDR days make the milestone.
    const links = await openPreview(browser, panelUrl, { view: 'links' });
    await links.page.waitForSelector('[data-testid="link-tile"][data-name="trunk-c"][data-state="down"]', { timeout: 30_000 });
    await links.page.screenshot({ path: join(SHOTS, 'demo-preview-links.png') });
    const milestone = await openPreview(browser, panelUrl, { view: 'milestone' });
    await milestone.page.waitForSelector('[data-testid="milestone-calls-today"]', { timeout: 30_000 });
    expect(await milestone.page.textContent('[data-testid="milestone-calls"]')).toContain('target 2,000');
    await milestone.page.screenshot({ path: join(SHOTS, 'demo-preview-milestone.png') });
    expect([...links.errors, ...milestone.errors]).toEqual([]);

    const family = [npm.pid!, ...descendants(npm.pid!)];
    expect(family.length).toBeGreaterThan(8); // npm, node, influxd, kamailio (several), SIPp ×3 at least
    process.kill(-npm.pid!, 'SIGINT');
    // npm itself dies of the SIGINT (as in a terminal); the demo under it stops its services and says so.
    expect([0, 130, 'SIGINT']).toContain(await exited);
    await waitFor(() => output.includes('Stopped.'), { timeoutMs: 30_000, what: () => `"Stopped." from the demo; output:\n${output}` });
    // Reapers of temp dirs outlive their parent by up to ~6 s by design; nothing may outlive 20 s.
    await waitFor(() => family.every((pid) => !alive(pid)) && mentioningDemo().length === 0, {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: () => `every process of the demo gone; left: ${family.filter(alive).join(', ')} ${mentioningDemo().join(', ')}`,
    });
    console.info(
      `demo: URLs after ${upAfterMs} ms (build included), ${active} active calls after ${callsAfterMs} ms, ${family.length} processes stopped`,
    );
  }, 300_000);

  it('`npm start -- --help` lists the options (the start script passes its arguments to `callboard demo`)', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start).toMatch(/node collector\/bin\/callboard\.mjs demo$/);
    const help = execFileSync(process.execPath, ['collector/bin/callboard.mjs', 'demo', '--help'], { cwd: ROOT, encoding: 'utf8' });
    for (const option of [
      '--api-port',
      '--preview-port',
      '--cps',
      '--hold-s',
      '--routers',
      '--iads',
      '--pending-iads',
      '--snmprec',
      '--cdr-calls-per-day',
      '--cdr-days',
      '--dir',
    ])
      expect(help).toContain(option);
  });
});
