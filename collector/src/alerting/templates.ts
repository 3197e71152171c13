import type { Labels } from './matchers.js';

export interface TemplateContext {
  alertname: string;
  severity: string;
  labels: Labels;
  value?: number;
  detail?: string;
  grafanaUrl?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|\s*(urlquery)\s*)?\}\}/g;

/**
 * Fills `{{labels.site}}`, `{{value}}`, `{{detail}}`, `{{alertname}}`, `{{severity}}` and
 * `{{grafanaUrl}}`; `{{labels.site | urlquery}}` escapes for a query string. Unknown names are
 * left empty rather than failing: an annotation must never stop a page.
 */
export function render(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_all, name: string, filter?: string) => {
    const value = lookup(name, context);
    return filter === 'urlquery' ? encodeURIComponent(value) : value;
  });
}

function lookup(name: string, c: TemplateContext): string {
  if (name.startsWith('labels.')) return c.labels[name.slice(7)] ?? '';
  switch (name) {
    case 'value':
      return c.value === undefined ? '' : String(Math.round(c.value * 1000) / 1000);
    case 'detail':
      return c.detail ?? '';
    case 'alertname':
      return c.alertname;
    case 'severity':
      return c.severity;
    case 'grafanaUrl':
      return (c.grafanaUrl ?? '').replace(/\/$/, '');
    default:
      return '';
  }
}
