// The modules Grafana shares with plugins (public/app/features/plugins/loader/sharedDependencies.ts),
// from this workspace's node_modules so the versions are exactly those the plugin was built against.
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import i18next from 'i18next';
import lodash from 'lodash';
import moment from 'moment';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';

/** CommonJS default exports are registered the way Grafana does: the AMD extra unwraps __useDefault. */
const useDefault = (value: unknown) => ({ default: value, __useDefault: true });

export const sharedDependencies: Record<string, unknown> = {
  react: React,
  'react/jsx-runtime': jsxRuntime,
  'react/jsx-dev-runtime': jsxRuntime,
  'react-dom': ReactDOM,
  'react-dom/client': ReactDOMClient,
  '@grafana/data': grafanaData,
  // Like Grafana: the plugin classes are reachable from @grafana/ui too (older plugins import them there).
  '@grafana/ui': {
    ...grafanaUI,
    PanelPlugin: grafanaData.PanelPlugin,
    DataSourcePlugin: grafanaData.DataSourcePlugin,
    AppPlugin: grafanaData.AppPlugin,
    DataSourceApi: grafanaData.DataSourceApi,
  },
  '@grafana/runtime': grafanaRuntime,
  '@emotion/css': emotionCss,
  emotion: emotionCss,
  '@emotion/react': emotionReact,
  rxjs,
  'rxjs/operators': rxjsOperators,
  lodash: useDefault(lodash),
  moment: useDefault(moment),
  i18next: useDefault(i18next),
};
