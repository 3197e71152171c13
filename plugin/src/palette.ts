import type { GrafanaTheme2 } from '@grafana/data';
import type { LinkState } from './types';

/**
 * The only place with colours. State fills are from the Okabe–Ito palette, chosen to stay
 * distinguishable with the common colour-vision deficiencies; every state also has its own shape
 * and label (StateIcon), so colour is never the only signal. Text colours are picked per fill
 * for contrast; everything else follows the Grafana theme (dark or light).
 */
export interface StateStyle {
  fill: string;
  text: string;
  border: string;
  borderStyle: 'solid' | 'dashed';
  label: string;
}

const OKABE_ITO = {
  bluishGreen: '#009E73',
  orange: '#E69F00',
  vermillion: '#D55E00',
  black: '#000000',
  white: '#FFFFFF',
};

export function stateStyle(state: LinkState, theme: GrafanaTheme2): StateStyle {
  switch (state) {
    case 'ok':
      return {
        fill: OKABE_ITO.bluishGreen,
        text: OKABE_ITO.black,
        border: OKABE_ITO.bluishGreen,
        borderStyle: 'solid',
        label: 'OK',
      };
    case 'degraded':
      return {
        fill: OKABE_ITO.orange,
        text: OKABE_ITO.black,
        border: OKABE_ITO.orange,
        borderStyle: 'solid',
        label: 'DEGRADED',
      };
    case 'down':
      return {
        fill: OKABE_ITO.vermillion,
        text: OKABE_ITO.white,
        border: theme.colors.text.primary,
        borderStyle: 'solid',
        label: 'DOWN',
      };
    case 'stale':
      return {
        fill: theme.colors.background.secondary,
        text: theme.colors.text.secondary,
        border: theme.colors.text.secondary,
        borderStyle: 'dashed',
        label: 'STALE',
      };
  }
}

/** Colours of the view chrome (numbers, banners, progress), from the theme. */
export function panelColors(theme: GrafanaTheme2) {
  return {
    text: theme.colors.text.primary,
    muted: theme.colors.text.secondary,
    background: theme.colors.background.primary,
    track: theme.colors.background.secondary,
    progress: OKABE_ITO.bluishGreen,
    crossed: OKABE_ITO.orange,
    // Orange text on white is too faint (≈2:1); a darker shade of the same hue on light themes.
    crossedText: theme.isDark ? OKABE_ITO.orange : '#8A5A00',
    forecast: theme.colors.text.secondary,
    sparkline: theme.isDark ? '#56B4E9' : '#0072B2', // Okabe–Ito sky blue / blue
    staleBanner: stateStyle('stale', theme),
    noData: theme.colors.text.disabled,
  };
}
