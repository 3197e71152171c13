import { Zone } from '../inputs/cdr/zone.js';
import type { MaintenanceConfig } from './config.js';
import { matchesAll, type Labels } from './matchers.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Planned maintenance from the config: one-off windows, and weekly ones on the wall clock of a
 * zone (so "Sunday 02:00–04:00" stays 02:00 local across DST changes). A window whose end is
 * before its start runs past midnight into the next day.
 */
export class MaintenanceWindows {
  readonly #windows: { config: MaintenanceConfig; zone: Zone }[];

  constructor(windows: readonly MaintenanceConfig[], timezone: string) {
    this.#windows = windows.map((config) => ({ config, zone: new Zone(config.timezone ?? timezone) }));
  }

  /** Name of the first window muting an alert with these labels at `now`. */
  muting(labels: Labels, now: number): string | undefined {
    return this.#windows.find((w) => matchesAll(w.config.match, labels) && isOpen(w.config, w.zone, now))?.config.name;
  }

  active(now: number): string[] {
    return this.#windows.filter((w) => isOpen(w.config, w.zone, now)).map((w) => w.config.name);
  }
}

export function isOpen(config: MaintenanceConfig, zone: Zone, now: number): boolean {
  if (config.once) return Date.parse(config.once.start) <= now && now < Date.parse(config.once.end);
  const { days, start, end } = config.weekly!;
  const today = zone.dayOf(now);
  const minute = zone.minuteOfDay(now);
  const on = (day: string) => days.includes(WEEKDAYS[Zone.weekday(day)] as (typeof days)[number]);
  const [from, to] = [minutes(start), minutes(end)];
  if (from < to) return on(today) && minute >= from && minute < to;
  return (on(today) && minute >= from) || (on(Zone.addDays(today, -1)) && minute < to);
}
