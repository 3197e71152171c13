import React from 'react';
import { createTheme } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { render } from '@testing-library/react';

/** Renders inside a Grafana theme, as the panel is inside Grafana. */
export function renderThemed(ui: React.ReactElement, mode: 'dark' | 'light' = 'dark') {
  const theme = createTheme({ colors: { mode } });
  const wrap = (node: React.ReactElement) => <ThemeContext.Provider value={theme}>{node}</ThemeContext.Provider>;
  const result = render(wrap(ui));
  return { ...result, theme, rerenderThemed: (next: React.ReactElement) => result.rerender(wrap(next)) };
}
