// Order matters: the shared modules are evaluated first, SystemJS (whose AMD extra installs a
// global define) last, so UMD code inside the shared modules never sees that define.
import { sharedDependencies } from './shared';
import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';
import React from 'react';
import { createRoot } from 'react-dom/client';
import {
  dateTimeForTimeZone,
  getThemeById,
  LoadingState,
  type DataFrame,
  type PanelPlugin,
  type PanelProps,
  type TimeRange,
  dateTime,
  EventBusSrv,
} from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { setTemplateSrv } from '@grafana/runtime';
import { installRegistries } from './registries';
import { influxToFrames, type InfluxQueryResponse } from './influx';

interface PreviewPanel {
  queries: Array<{ refId: string; query: string }>;
  options: Record<string, unknown>;
}

interface PreviewConfig {
  pluginId: string;
  refreshMs: number;
  panels: Record<string, PreviewPanel>;
}

/** What tests and the bench read and drive through `window.callboardHost`. */
interface HostHandle {
  state: 'loading' | 'ready' | 'error';
  error?: string;
  refreshes: number;
  setOptions(patch: Record<string, unknown>): void;
  refresh(): Promise<void>;
}

declare global {
  interface Window {
    System: {
      set(id: string, module: unknown): void;
      addImportMap(map: { imports: Record<string, string> }): void;
      import(url: string): Promise<{ plugin: PanelPlugin }>;
    };
    callboardHost: HostHandle;
  }
}

const params = new URLSearchParams(location.search);
const view = params.get('view') ?? 'calls';
const themeId = params.get('theme') === 'light' ? 'light' : 'dark';
const width = Number(params.get('width') ?? 1920);
const height = Number(params.get('height') ?? 1080);
const timeZone = params.get('tz') ?? 'browser';
/** Overrides the server's refresh: 0 leaves /live as the only source of change (tests of the ws path). */
const refreshOverride = params.get('refreshMs');
const theme = getThemeById(themeId);

function setHostState(state: HostHandle['state'], error?: string) {
  window.callboardHost.state = state;
  window.callboardHost.error = error;
  document.body.dataset.hostState = state;
}

class ErrorBoundary extends React.Component<{ children: React.ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidCatch(error: Error) {
    console.error('preview: panel crashed', error);
    setHostState('error', String(error));
  }
  render() {
    return this.state.error ? <pre data-testid="host-error">{String(this.state.error)}</pre> : this.props.children;
  }
}

async function loadPlugin(pluginId: string): Promise<PanelPlugin> {
  const imports: Record<string, string> = {};
  for (const [name, module] of Object.entries(sharedDependencies)) {
    window.System.set(`package:${name}`, module);
    imports[name] = `package:${name}`;
  }
  window.System.addImportMap({ imports });
  const base = `/public/plugins/${pluginId}`;
  const [{ plugin }, meta] = await Promise.all([
    window.System.import(`${base}/module.js`),
    fetch(`${base}/plugin.json`).then((r) => r.json()),
  ]);
  plugin.meta = { ...meta, baseUrl: base, module: `${base}/module.js` };
  return plugin;
}

/** `$today` is local midnight of the panel's time zone, in ms: "today so far" like a dashboard's time picker. */
function substitute(query: string): string {
  return query.replaceAll('$today', `${dateTimeForTimeZone(timeZone, Date.now()).startOf('day').valueOf()}ms`);
}

async function runQueries(panel: PreviewPanel): Promise<DataFrame[]> {
  const results = await Promise.all(
    panel.queries.map(async ({ refId, query }) => {
      const executed = substitute(query);
      const response = await fetch(`/preview/query?q=${encodeURIComponent(executed)}`);
      if (!response.ok) throw new Error(`query ${refId}: HTTP ${response.status} ${await response.text()}`);
      return influxToFrames((await response.json()) as InfluxQueryResponse, refId, executed);
    })
  );
  return results.flat();
}

async function main() {
  window.callboardHost = {
    state: 'loading',
    refreshes: 0,
    setOptions: () => undefined,
    refresh: async () => undefined,
  };
  document.body.style.background = theme.colors.background.canvas;
  installRegistries();
  setTemplateSrv({
    getVariables: () => [],
    replace: (target?: string) => target ?? '',
    containsTemplate: () => false,
    updateTimeRange: () => undefined,
  } as never);

  const config = (await (await fetch('/preview/config')).json()) as PreviewConfig;
  const panel = config.panels[view];
  if (!panel) throw new Error(`no preview panel "${view}"; known: ${Object.keys(config.panels).join(', ')}`);
  const plugin = await loadPlugin(config.pluginId);
  const Panel = plugin.panel!;
  let options = { ...plugin.defaults, ...panel.options };
  let series: DataFrame[] = [];
  let receivedAt = Date.now();
  const eventBus = new EventBusSrv();
  const root = createRoot(document.getElementById('root')!);

  const render = () => {
    const to = dateTime(receivedAt);
    const timeRange: TimeRange = { from: dateTime(receivedAt - 3_600_000), to, raw: { from: 'now-1h', to: 'now' } };
    const props: PanelProps = {
      id: 1,
      data: { state: LoadingState.Done, series, timeRange, request: { endTime: receivedAt } as never },
      timeRange,
      timeZone,
      options,
      fieldConfig: { defaults: {}, overrides: [] },
      transparent: false,
      width,
      height,
      renderCounter: window.callboardHost.refreshes,
      title: 'Callboard',
      eventBus,
      onOptionsChange: () => undefined,
      onFieldConfigChange: () => undefined,
      onChangeTimeRange: () => undefined,
      replaceVariables: (s: string) => s,
    };
    root.render(
      <ThemeContext.Provider value={theme}>
        <div
          data-testid="host-panel"
          style={{
            width,
            height,
            background: theme.colors.background.primary,
            fontFamily: theme.typography.fontFamily,
          }}
        >
          <ErrorBoundary>
            <Panel {...props} />
          </ErrorBoundary>
        </div>
      </ThemeContext.Provider>
    );
  };

  const refresh = async () => {
    try {
      series = await runQueries(panel);
      receivedAt = Date.now();
      window.callboardHost.refreshes++;
      render();
    } catch (error) {
      // Like a dashboard: a failed query keeps the last frames (which then age into STALE).
      console.warn('preview: query failed', error);
    }
  };
  window.callboardHost.refresh = refresh;
  window.callboardHost.setOptions = (patch) => {
    options = { ...options, ...patch };
    render();
  };
  await refresh();
  render();
  setHostState('ready');
  const refreshMs = refreshOverride !== null ? Number(refreshOverride) : config.refreshMs;
  if (refreshMs > 0) setInterval(refresh, refreshMs);
}

main().catch((error) => {
  console.error('preview: failed to start', error);
  setHostState('error', String(error));
});
