import { useEffect, useState } from 'react';
import { EMPTY_LIVE_STATE, type LiveState } from '../data/live';
import type { LiveOptions } from '../types';
import { LiveConnection, type LinkStatus } from './connection';
import { liveUrl } from './url';

export interface LiveFeed {
  state: LiveState;
  status: LinkStatus | 'off';
}

const OFF: LiveFeed = { state: EMPTY_LIVE_STATE, status: 'off' };
const CONNECTING: LiveFeed = { state: EMPTY_LIVE_STATE, status: 'connecting' };

/**
 * Subscribes while live is enabled. Messages are folded outside React and handed to it at most
 * once per animation frame: a burst of trunk updates costs one render, not one per message.
 * The feed is tagged with the subscription it came from, so a changed URL or token never shows
 * the previous collector's data.
 */
export function useLive(options: LiveOptions, measurements: string[]): LiveFeed {
  const url = options.enabled ? liveUrl(options.url, measurements) : null;
  const { token } = options;
  const key = url === null ? null : `${url} ${token}`;
  const [current, setCurrent] = useState<{ key: string | null; feed: LiveFeed }>({ key: null, feed: OFF });

  useEffect(() => {
    if (url === null) {
      return;
    }
    let pending: LiveFeed | null = null;
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      if (pending) {
        setCurrent({ key, feed: pending });
      }
      pending = null;
    };
    const connection = new LiveConnection({
      url,
      token,
      onChange: (state, status) => {
        pending = { state, status };
        if (frame === null) {
          frame = requestAnimationFrame(flush);
        }
      },
    });
    connection.start();
    return () => {
      connection.stop();
      if (frame !== null) {
        cancelAnimationFrame(frame);
      }
    };
  }, [url, token, key]);

  if (key === null) {
    return OFF;
  }
  return current.key === key ? current.feed : CONNECTING;
}
