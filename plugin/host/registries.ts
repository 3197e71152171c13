import { standardEditorsRegistry, standardFieldConfigEditorRegistry } from '@grafana/data';

/**
 * Grafana core fills these registries (OptionsUI/registry.tsx), not the npm packages; a panel's
 * options builder looks its editors up there. The preview never shows the editor, so each
 * editor is a null component: only the ids must exist.
 */
const EDITOR_IDS = [
  'text',
  'number',
  'slider',
  'boolean',
  'radio',
  'select',
  'multi-select',
  'unit',
  'color',
  'strings',
  'timezone',
  'fieldColor',
  'field-name',
  'mappings',
  'thresholds',
  'links',
  'data-links',
  'interval',
  'stats-picker',
];

export function installRegistries(): void {
  const Null = () => null;
  standardEditorsRegistry.setInit(() => EDITOR_IDS.map((id) => ({ id, name: id, editor: Null })));
  // No standard field options: this panel does not use field config, and none must be faked.
  standardFieldConfigEditorRegistry.setInit(() => []);
}
