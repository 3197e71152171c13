import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { DEFAULT_OPTIONS, type CallboardOptions } from './types';

/** The panel editor: one view selector, then only the options of that view. */
export function buildOptionsEditor(builder: PanelOptionsEditorBuilder<CallboardOptions>) {
  const d = DEFAULT_OPTIONS;
  return builder
    .addRadio({
      path: 'view',
      name: 'View',
      defaultValue: d.view,
      settings: {
        options: [
          { value: 'calls', label: 'Calls' },
          { value: 'milestone', label: 'Milestone' },
          { value: 'links', label: 'Link health' },
        ],
      },
    })
    .addNumberInput({
      path: 'staleAfterSeconds',
      name: 'Stale after (s)',
      description: 'Data older than this shows STALE.',
      defaultValue: d.staleAfterSeconds,
      settings: { min: 1, integer: true },
    })
    .addTextInput({
      path: 'calls.switchName',
      name: 'Switch',
      description: 'Empty: total over all switches.',
      defaultValue: d.calls.switchName,
      category: ['Calls'],
      showIf: (o) => o.view === 'calls',
    })
    .addNumberInput({
      path: 'milestone.minutesTarget',
      name: 'Minutes per day target',
      description: '0: from the data (minutes_target).',
      defaultValue: d.milestone.minutesTarget,
      category: ['Milestone'],
      showIf: (o) => o.view === 'milestone',
    })
    .addNumberInput({
      path: 'milestone.callsTarget',
      name: 'Calls per day target',
      description: '0: from the data (calls_target).',
      defaultValue: d.milestone.callsTarget,
      category: ['Milestone'],
      showIf: (o) => o.view === 'milestone',
    })
    .addRadio({
      path: 'links.groupBy',
      name: 'Group by',
      defaultValue: d.links.groupBy,
      category: ['Link health'],
      settings: {
        options: [
          { value: 'switch', label: 'Switch' },
          { value: 'none', label: 'None' },
        ],
      },
      showIf: (o) => o.view === 'links',
    })
    .addBooleanSwitch({
      path: 'links.rollUp',
      name: 'One tile per group',
      defaultValue: d.links.rollUp,
      category: ['Link health'],
      showIf: (o) => o.view === 'links',
    })
    .addNumberInput({
      path: 'links.degradedLatencyMs',
      name: 'Degraded above latency (ms)',
      description: '0: latency never degrades a link.',
      defaultValue: d.links.degradedLatencyMs,
      category: ['Link health'],
      showIf: (o) => o.view === 'links',
    })
    .addBooleanSwitch({
      path: 'live.enabled',
      name: 'Live updates',
      description: "Subscribe to the collector's /live WebSocket.",
      defaultValue: d.live.enabled,
      category: ['Live'],
    })
    .addTextInput({
      path: 'live.url',
      name: 'Collector URL',
      description: 'e.g. ws://collector:8089/live',
      defaultValue: d.live.url,
      category: ['Live'],
      showIf: (o) => o.live?.enabled,
    })
    .addTextInput({
      path: 'live.token',
      name: 'API token',
      description: 'Sent as a WebSocket subprotocol, not in the URL.',
      defaultValue: d.live.token,
      category: ['Live'],
      showIf: (o) => o.live?.enabled,
    });
}
