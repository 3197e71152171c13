// A simulated carrier network for the demo and the dashboard tests: core and edge routers, a voice
// gateway, an SBC and switches served from real SNMP recordings (one simulator, community = the
// recording's name), and customer IADs cloned from one recording (a UDP port each, one shared
// community, as a real IAD fleet has). A share of the planned IADs is "not migrated yet": their
// addresses answer nothing, so the migration view shows reporting < planned.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SnmpSimulator } from '../inputs/snmp/sim/agent.js';
import { freePort } from './ports.js';

/** Where the dev and CI machines keep the shared recordings (beside the clone); not redistributed with the repo. */
export const DEFAULT_RECORDINGS_DIR = resolve(fileURLToPath(new URL('../../../../shared/fixtures/snmprec', import.meta.url)));

interface RouterPlan {
  recording: string;
  device: string;
  role: string;
  site: string;
  region: string;
  /**
   * Ports the recording shows admin up but oper down (no cable): unused, so not links, as a NOC would
   * configure them (health.interfaces.devices); else the wall would show them all down.
   */
  unusedPorts?: readonly string[];
}

/** Each recording as the device it plays in the demo network (what it holds: see shared/fixtures/SOURCES.md). */
const ROUTERS: readonly RouterPlan[] = [
  { recording: 'librenms_iosxe', device: 'core1-nyc', role: 'core', site: 'nyc-pop1', region: 'east' },
  { recording: 'librenms_nxos_n9504-7.0', device: 'dc1-chi', role: 'core', site: 'chi-dc1', region: 'central' },
  { recording: 'librenms_iosxe_isr4321', device: 'vgw1-nyc', role: 'voice-gateway', site: 'nyc-pop1', region: 'east' },
  // The 24-port switch module: nothing plugged in.
  { recording: 'librenms_iosxe_c1100tgx', device: 'edge1-lax', role: 'edge', site: 'lax-pop1', region: 'west', unusedPorts: ['Gi0/2/'] },
  // Gi0/0/3 and its service-instance subinterface.
  {
    recording: 'librenms_iosxe_asr920',
    device: 'agg1-chi',
    role: 'aggregation',
    site: 'chi-pop1',
    region: 'central',
    unusedPorts: ['Gi0/0/3(\\.|$)'],
  },
  { recording: 'librenms_sonus-sbc', device: 'sbc1-nyc', role: 'sbc', site: 'nyc-pop1', region: 'east', unusedPorts: ['Ethernet [23]$'] },
  { recording: 'librenms_ios_c3560', device: 'sw1-lax', role: 'access', site: 'lax-pop1', region: 'west' },
  { recording: 'librenms_ios_c3560-slas', device: 'sw2-chi', role: 'access', site: 'chi-pop1', region: 'central' },
];
/** Synthetic, in the repo: the jitter probes (MOS) that no real recording has. Always in the network. */
const VOICE_SLA_GATEWAY: Router = {
  file: fileURLToPath(new URL('./snmp/voice-sla-gw.snmprec', import.meta.url)),
  device: 'vgw2-atl',
  role: 'voice-gateway',
  site: 'atl-pop1',
  region: 'east',
};
const IAD_RECORDING = 'librenms_linux_opensips';
const REGIONS = ['east', 'central', 'west'] as const;
const SITE_OF: Record<(typeof REGIONS)[number], string> = { east: 'nyc', central: 'chi', west: 'lax' };
/** Environment variables carrying the communities (the config names secrets, never holds them). */
const ROUTER_COMMUNITY_ENV = 'CALLBOARD_DEMO_ROUTER_COMMUNITY';
const IAD_COMMUNITY_ENV = 'CALLBOARD_DEMO_IAD_COMMUNITY';

export interface SimNetworkOptions {
  recordingsDir?: string;
  /** Routers: one per real recording (at most 8), plus the synthetic IP SLA gateway when > 0. */
  routers: number;
  /** IADs answering. */
  iads: number;
  /** Further IADs in the inventory that do not answer yet. */
  pendingIads: number;
  routerInterval: string;
  iadInterval: string;
}

export interface SimNetwork {
  /** Inputs for the collector config: `core` (routers) and `iads`. */
  inputs: Record<string, unknown>[];
  /** `health.interfaces.devices` for the collector config: the routers' unused ports, excluded. */
  interfaceExclusions: Record<string, { exclude: string[] }>;
  routers: string[];
  iads: number;
  pendingIads: number;
  regions: readonly string[];
  /** Why the network is smaller than asked, when it is. */
  note?: string;
  stop(): Promise<void>;
}

interface Router extends Omit<RouterPlan, 'recording'> {
  file: string;
}

/** The real recordings found in the folder, as routers of the demo network. */
export function availableRouters(recordingsDir = DEFAULT_RECORDINGS_DIR): Router[] {
  return ROUTERS.map((r) => ({ ...r, file: join(recordingsDir, `${r.recording}.snmprec`) })).filter((r) => existsSync(r.file));
}

export async function startSimNetwork(options: SimNetworkOptions): Promise<SimNetwork> {
  const dir = options.recordingsDir ?? DEFAULT_RECORDINGS_DIR;
  // A clone without shared/ beside it still gets a network: the synthetic gateway only, and a note.
  const withoutRecordings = options.recordingsDir === undefined && !existsSync(dir);
  const iads = withoutRecordings ? 0 : options.iads;
  const pendingIads = withoutRecordings ? 0 : options.pendingIads;
  const iadFile = join(dir, `${IAD_RECORDING}.snmprec`);
  const real = withoutRecordings ? [] : availableRouters(dir).slice(0, options.routers);
  if (!withoutRecordings && real.length === 0 && options.routers > 0)
    throw new Error(`no SNMP recordings in ${dir} (expected e.g. ${ROUTERS[0]!.recording}.snmprec); pass --snmprec DIR or --routers 0`);
  if (iads > 0 && !existsSync(iadFile)) throw new Error(`${iadFile} not found: the IADs are clones of it; pass --snmprec DIR or --iads 0`);

  const routers = options.routers > 0 ? [...real, VOICE_SLA_GATEWAY] : [];
  const simulators: SnmpSimulator[] = [];
  const inputs: Record<string, unknown>[] = [];
  if (routers.length > 0) {
    const sim = new SnmpSimulator({ files: routers.map((r) => r.file) });
    simulators.push(sim);
    const port = await sim.start('127.0.0.1', 0);
    const credentials: Record<string, unknown> = {};
    routers.forEach((r, i) => {
      process.env[`${ROUTER_COMMUNITY_ENV}_${i}`] = basename(r.file, '.snmprec');
      credentials[r.device] = { version: '2c', community: { env: `${ROUTER_COMMUNITY_ENV}_${i}` } };
    });
    inputs.push({
      type: 'snmp',
      name: 'core',
      interval: options.routerInterval,
      timeout: '2s',
      credentials,
      targets: routers.map((r) => ({
        device: r.device,
        address: `127.0.0.1:${port}`,
        credentials: r.device,
        site: r.site,
        region: r.region,
        role: r.role,
      })),
    });
  }

  if (iads + pendingIads > 0) {
    const targets: Record<string, unknown>[] = [];
    if (iads > 0) {
      const sim = new SnmpSimulator({ files: [iadFile], devices: iads, portPerDevice: true });
      simulators.push(sim);
      await sim.start('127.0.0.1', 0);
      sim.devicePorts.forEach((port, i) => targets.push(iadTarget(i, port)));
    }
    // Nothing listens there: polls time out and the device is flagged unreachable, as an IAD not yet installed is.
    const nowhere = await freePort('udp');
    for (let i = 0; i < pendingIads; i++) targets.push(iadTarget(iads + i, nowhere));
    process.env[IAD_COMMUNITY_ENV] = IAD_RECORDING;
    inputs.push({
      type: 'snmp',
      name: 'iads',
      interval: options.iadInterval,
      timeout: '1s',
      retries: 1,
      unreachableAfter: 2,
      maxBackoff: '2m',
      credentials: { iads: { version: '2c', community: { env: IAD_COMMUNITY_ENV } } },
      targets,
    });
  }

  return {
    inputs,
    interfaceExclusions: Object.fromEntries(routers.flatMap((r) => (r.unusedPorts ? [[r.device, { exclude: [...r.unusedPorts] }]] : []))),
    routers: routers.map((r) => r.device),
    iads,
    pendingIads,
    ...(withoutRecordings ? { note: `no SNMP recordings at ${dir}: only the synthetic gateway and no IADs (pass --snmprec DIR)` } : {}),
    regions: REGIONS,
    stop: async () => void (await Promise.allSettled(simulators.map((s) => s.stop()))),
  };
}

function iadTarget(i: number, port: number): Record<string, unknown> {
  const region = REGIONS[i % REGIONS.length]!;
  const n = String(i + 1).padStart(5, '0');
  return {
    device: `iad-${n}`,
    address: `127.0.0.1:${port}`,
    credentials: 'iads',
    customer: `cust-${n}`,
    site: `${SITE_OF[region]}-${n}`,
    region,
    role: 'iad',
  };
}
