import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../lib/log.js';

export interface DemoOptions {
  dir: string;
  apiPort: number;
  previewPort: number;
  cps: number;
  holdS: number;
  routers: number;
  iads: number;
  pendingIads: number;
  snmprec?: string;
  cdrCallsPerDay: number;
  cdrDays: number;
  timezone: string;
}

const wholeNumber = (flag: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
};
const positive = (flag: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n <= max)) throw new InvalidArgumentError(`${flag} must be a number in (0, ${max}], got "${value}"`);
  return n;
};

/** `callboard demo`, what `npm start` runs. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run the local demo on 127.0.0.1: private InfluxDB, Kamailio with SIPp trunks and callers, simulated routers and IADs (SNMP, from the real recordings), simulated CDR traffic, the collector and the panel preview (what `npm start` runs; Ctrl-C stops everything)',
    )
    .option('--dir <dir>', 'where the demo keeps InfluxDB data, collector state and CDR files', '.callboard')
    .option('--api-port <port>', 'collector API port (0: any free port)', wholeNumber('--api-port', 0, 65535), 8089)
    .option('--preview-port <port>', 'panel preview page port (0: any free port)', wholeNumber('--preview-port', 0, 65535), 8090)
    .option('--cps <n>', 'SIPp: new calls per second through Kamailio', positive('--cps', 200), 5)
    .option('--hold-s <s>', 'SIPp: hold time of answered calls, seconds', positive('--hold-s', 3600), 20)
    .option('--routers <n>', 'simulated routers, gateways and switches (one per recording, at most 8)', wholeNumber('--routers', 0, 8), 8)
    .option('--iads <n>', 'simulated customer IADs answering SNMP', wholeNumber('--iads', 0, 5000), 200)
    .option(
      '--pending-iads <n>',
      'further IADs planned in the inventory but not answering yet (migration view)',
      wholeNumber('--pending-iads', 0, 5000),
      20,
    )
    .option('--snmprec <dir>', 'folder of the .snmprec recordings (default: ../shared/fixtures/snmprec beside the clone)')
    .option('--cdr-calls-per-day <n>', 'simulated CDR calls per day', wholeNumber('--cdr-calls-per-day', 1, 1_000_000), 20_000)
    .option(
      '--cdr-days <n>',
      'days of CDR history written at the first start (a restart with the same --dir resumes the file)',
      wholeNumber('--cdr-days', 0, 60),
      30,
    )
    .option('--timezone <zone>', "the carrier's day (daily totals, milestones)", 'America/New_York')
    .addHelpText(
      'after',
      '\nExamples:\n  npm start                                   # defaults above\n  npm start -- --iads 1000 --cps 10           # a bigger network and more calls\n  npm start -- --api-port 0 --preview-port 0  # any free ports\n',
    )
    .action(async (options: DemoOptions) => demoCommand(options));
}

export async function demoCommand(options: DemoOptions): Promise<void> {
  const [{ startDemoStack, DEMO_DATABASE }, { dashboardPreviewPanels }, { startPreviewServer }] = await Promise.all([
    import('../devstack/demo-stack.js'),
    import('../devstack/demo-panels.js'),
    import('../preview/server.js'),
  ]);
  const dir = resolve(options.dir);
  const log = createLogger({ level: process.env.CALLBOARD_LOG_LEVEL ?? 'warn' });
  const say = (line: string) => process.stdout.write(`${line}\n`);

  let stopping = false;
  let stopStack: () => Promise<void> = async () => undefined;
  let startup: Promise<unknown> = Promise.resolve();
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping …');
    // Ctrl-C during start-up: let the start finish (or fail), then stop all of it.
    await startup.catch(() => undefined);
    await stopStack();
    say('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  say('Starting the Callboard demo:');
  const start = async () => {
    const stack = await startDemoStack({
      dir,
      apiPort: options.apiPort,
      timezone: options.timezone,
      cps: options.cps,
      holdMs: options.holdS * 1000,
      routers: options.routers,
      iads: options.iads,
      pendingIads: options.pendingIads,
      ...(options.snmprec ? { recordingsDir: resolve(options.snmprec) } : {}),
      routerInterval: '10s',
      iadInterval: '15s',
      cdrCallsPerDay: options.cdrCallsPerDay,
      cdrHistoryDays: options.cdrDays,
      log,
      say: (line) => say(`  ${line}`),
    });
    stopStack = () => stack.stop();
    const preview = await startPreviewServer({
      port: options.previewPort,
      influx: { url: stack.influxd.url, database: DEMO_DATABASE },
      panels: dashboardPreviewPanels({ live: { url: stack.liveUrl, token: stack.token }, targets: stack.targets }),
    });
    stopStack = async () => {
      await preview.close();
      await stack.stop();
    };
    return { stack, preview };
  };
  const running = start();
  startup = running;
  let stack: Awaited<typeof running>['stack'];
  let preview: Awaited<typeof running>['preview'];
  try {
    ({ stack, preview } = await running);
  } catch (error) {
    say(`\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
    return;
  }
  if (stopping) return;

  const { network } = stack;
  say('');
  say('Callboard demo is running (Ctrl-C stops everything):');
  say(`  panel      ${preview.url}/?view=calls   (also ?view=links, ?view=milestone; &theme=light)`);
  say(`  API        ${stack.apiUrl}/api/v1/snapshot   (Authorization: Bearer ${stack.token})`);
  say(`  live ws    ${stack.liveUrl}`);
  say(`  metrics    ${stack.apiUrl}/metrics`);
  say(`  InfluxDB   ${stack.influxd.url}  database "${DEMO_DATABASE}"`);
  say(`  calls      SIPp ${options.cps} calls/s, ${options.holdS} s hold, every 8th busy, through Kamailio ${stack.kamailio.rpcUrl}`);
  say(
    `  trunks     ${stack.trunkGroups.map((g) => `${g.name} (${g.capacity} channels)`).join(', ')}; trunk-c's gateway is absent on purpose`,
  );
  say(
    `  SNMP       ${network.routers.length} routers (${network.routers.join(', ') || 'none'}), ${network.iads} IADs + ${network.pendingIads} not yet answering`,
  );
  if (network.note) say(`  note       ${network.note}`);
  say(`  CDRs       ${stack.cdr.file} (${options.cdrDays} days of history, ${options.cdrCallsPerDay} calls/day, growing live)`);
  say(`  Grafana    docker compose up (see README): dashboards/ with this InfluxDB as the data source`);
  say(`  try        curl -s -H 'Authorization: Bearer ${stack.token}' ${stack.apiUrl}/api/v1/trunk-groups`);
}
