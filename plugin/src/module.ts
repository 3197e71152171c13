import { PanelPlugin } from '@grafana/data';
import { CallboardPanel } from './components/CallboardPanel';
import { panelMigrationHandler } from './migrations';
import { buildOptionsEditor } from './optionsEditor';
import type { CallboardOptions } from './types';

export const plugin = new PanelPlugin<CallboardOptions>(CallboardPanel)
  .setPanelOptions(buildOptionsEditor)
  .setMigrationHandler(panelMigrationHandler);
