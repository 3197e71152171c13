import { formatTable, saveResults } from '../bench/report.js';
import { measureLiveLatency } from '../bench/live-latency.js';
import { benchPanelUpdates } from '../bench/panel-update.js';
import { measureSnmpPolling, snmpRatioRows } from '../bench/snmp-polling.js';

/**
 * `callboard bench` (what `npm run bench` runs). Benchmarks are not tests: they print figures
 * side by side with a peer measured in the same run, and save them under bench/results/.
 */
export async function benchCommand(options: { calls: string; cps: string; only?: string }): Promise<void> {
  const say = (text: string) => process.stdout.write(`${text}\n`);
  const root = process.cwd();
  const wanted = new Set((options.only ?? 'cdr,live,snmp,panel,influx').split(','));

  if (wanted.has('cdr')) {
    say('CDR ingest: a simulated day per format, full ingest vs a plain read-and-split of the same file (lines/s per core) …');
    const { measureCdrThroughput } = await import('../inputs/cdr/bench.js');
    const cdr = [];
    for (const format of ['asterisk', 'freeswitch', 'cucm', 'kamailio'] as const) cdr.push(await measureCdrThroughput({ format }));
    say(
      formatTable(
        'CDR ingest (lines/s per core)',
        cdr.map((r) => ({
          format: r.format,
          lines: r.lines,
          ingest: Math.round(r.ingestLinesPerSecond),
          'plain read+split': Math.round(r.baselineLinesPerSecond),
          'ingest / plain': r.ratio,
          '64 KB-piece split': Math.round(r.pieceSplitLinesPerSecond),
          'ingest / piece split': r.pieceRatio,
          'piece split+fields': Math.round(r.fieldSplitLinesPerSecond),
        })),
        2,
      ),
    );
    say(
      "plain read+split: the faster of readline over a read stream and readFileSync + split; piece split: the ingest's own reader, lines thrown away",
    );
    say('goals: ≥ 500,000 lines/s/core and ≥ 0.25 of the plain read+split');
    say(`saved ${saveResults(root, 'cdr-ingest', cdr)}`);
  }
  if (wanted.has('live')) {
    say(
      `Live latency: ${options.calls} calls at ${options.cps} calls/s through Kamailio; 200 OK at the answering SIPp → /live frame counting the call …`,
    );
    const rows = await measureLiveLatency({
      calls: Number(options.calls),
      cps: Number(options.cps),
    });
    say(formatTable('200 OK → /live frame (ms)', rows as never[]));
    const polling = rows.find((r) => r.mode.startsWith('polling'))!;
    say(
      formatTable(
        'ratio to polling alone (p99, lower is better)',
        rows.map((r) => ({
          mode: r.mode,
          'p99 / polling p99': r.p99 / polling.p99,
        })),
        2,
      ),
    );
    say(`goals: p99 ≤ 250 ms with evapi events, ≤ 1500 ms with polling alone`);
    say(`saved ${saveResults(root, 'live-latency', rows)}`);
  }
  if (wanted.has('snmp')) {
    say('SNMP polling: simulated IADs, callboard vs prometheus-snmp-exporter (same devices, same 8 varbinds) …');
    const snmpRows = await measureSnmpPolling({ log: say });
    say(formatTable('SNMP polling (CPU and RSS from /proc over two whole cycles)', snmpRows as never[], 3));
    say(formatTable('callboard ÷ snmp_exporter (CPU/poll, RSS: lower is better)', snmpRatioRows(snmpRows), 2));
    say('goals: 4,000 IAD polls/s (60,000 every 15 s), CPU/poll ≤ 0.5 × snmp_exporter, RSS ≤ 400 MB at 60,000');
    say(`saved ${saveResults(root, 'snmp-polling', snmpRows)}`);
  }
  if (wanted.has('panel')) {
    say('Panel: scripting per /live update on the link-health view in Debian Chromium, 1,000 tiles beside 100 …');
    const panel = await benchPanelUpdates();
    say(formatTable('panel live update (ms)', panel as never[]));
    say('goal: ≤ 16 ms scripting per update with 1,000 tiles');
    say(`saved ${saveResults(root, 'panel-update', panel)}`);
  }
  if (wanted.has('influx')) {
    say(
      "InfluxDB writes: 300,000 softswitch_calls points, the collector's output (spool on disk) vs a plain batched line-protocol writer, same influxd, 5 rounds …",
    );
    const { measureInfluxWrite, influxRatioRows } = await import('../bench/influx-write.js');
    const influx = await measureInfluxWrite({ log: say });
    say(formatTable('InfluxDB write throughput (share: collector ÷ plain writer)', influxRatioRows(influx), 2));
    say("goal: ≥ 0.80 of the plain writer (influxd's ceiling on this machine)");
    say(`saved ${saveResults(root, 'influx-write', { rounds: influx, summary: influxRatioRows(influx) })}`);
  }
  process.exit(0);
}
