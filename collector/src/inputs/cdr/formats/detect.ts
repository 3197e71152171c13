import { splitCsvLine } from '../csv.js';
import { FREESWITCH_COLUMNS } from './freeswitch.js';

export const FORMATS = ['asterisk', 'freeswitch', 'cucm', 'kamailio', 'csv'] as const;
export type CdrFormat = (typeof FORMATS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/** Which known format a line is written in, from its shape alone; undefined when none fits. */
export function detectFormat(line: string): Exclude<CdrFormat, 'csv'> | undefined {
  if (line.startsWith('"cdrRecordType"') || line.startsWith('cdrRecordType,')) return 'cucm';
  if (line.startsWith('{')) return 'kamailio';
  if (!line.includes(',') && line.split('|').length >= 3) return 'kamailio';
  const f = splitCsvLine(line);
  if (!f) return undefined;
  if (f.length === FREESWITCH_COLUMNS && UUID.test(f[10]!) && LOCAL_TIME.test(f[4]!)) return 'freeswitch';
  if (f.length >= 16 && f.length <= 21 && LOCAL_TIME.test(f[9]!)) return 'asterisk';
  return undefined;
}
