import React, { useMemo } from 'react';
import { dateTimeForTimeZone, type PanelProps } from '@grafana/data';
import { useTheme2 } from '@grafana/ui';
import { readFrames } from '../data/series';
import { buildViewModel, liveMeasurementsFor } from '../data/viewModel';
import { useLive } from '../live/useLive';
import { liveUrl } from '../live/url';
import { migrateOptions } from '../migrations';
import { panelColors } from '../palette';
import type { CallboardOptions } from '../types';
import { useNow } from './useNow';
import { ViewFrame } from './ViewFrame';

type Props = PanelProps<CallboardOptions>;

/** Wiring only: props + live feed + clock → view model (data/) → ViewFrame. */
export function CallboardPanel({ options: rawOptions, data, width, height, timeZone }: Props) {
  const theme = useTheme2();
  // Options saved by an older version, or half-filled by the editor, are normalised once here.
  const options = useMemo(() => migrateOptions(rawOptions), [rawOptions]);
  const measurements = useMemo(() => liveMeasurementsFor(options.view), [options.view]);
  const live = useLive(options.live, measurements);
  const now = useNow(1000);
  const frames = useMemo(() => readFrames(data.series), [data.series]);
  const liveExpected = options.live.enabled && liveUrl(options.live.url, measurements) !== null;

  // The carrier's day in the dashboard's time zone; 23 or 25 h long on DST changes.
  const dayStartMs = dateTimeForTimeZone(timeZone, now).startOf('day').valueOf();
  const dayLengthMs = dateTimeForTimeZone(timeZone, now).startOf('day').add(1, 'day').valueOf() - dayStartMs;
  const receivedAt = data.request?.endTime ?? (data.series.length ? now : null);

  const model = useMemo(
    () =>
      buildViewModel({
        options,
        frames,
        live: live.state,
        liveExpected,
        now,
        dayStart: dayStartMs,
        dayLengthMs,
        receivedAt,
      }),
    [options, frames, live.state, liveExpected, now, dayStartMs, dayLengthMs, receivedAt]
  );
  const staleReason = liveExpected && live.status === 'reconnecting' ? 'live link lost, reconnecting' : undefined;
  return (
    <div data-live-status={live.status} style={{ color: panelColors(theme).text }}>
      <ViewFrame model={model} width={width} height={height} staleReason={staleReason} timeZone={timeZone} />
    </div>
  );
}
