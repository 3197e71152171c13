import { WebSocket } from 'ws';

interface Series {
  topic: string;
  fields: Record<string, unknown>;
  time: number;
}

export interface LiveFrame {
  receivedAt: number;
  /** `update` carries one series, `snapshot` a list (collector/src/api/README.md). */
  message: { type: string; series?: Series | Series[]; [key: string]: unknown };
}

/** A /live subscriber that records every frame with its arrival time, for assertions and latency figures. */
export async function connectLive(apiUrl: string, token: string, measurements?: string) {
  const query = measurements ? `?measurements=${measurements}` : '';
  const ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}/live${query}`, { headers: { authorization: `Bearer ${token}` } });
  const frames: LiveFrame[] = [];
  ws.on('message', (data) => frames.push({ receivedAt: Date.now(), message: JSON.parse(String(data)) }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const values = (topic: string, field: string) =>
    frames.flatMap((f) => {
      const series = f.message.series === undefined ? [] : ([] as Series[]).concat(f.message.series);
      return series.filter((s) => s.topic === topic).map((s) => s.fields[field]);
    });
  return { ws, frames, values, close: () => ws.close() };
}
