import type { CallRecord } from './record.js';

/** Files followed at once that get separate millisecond slots; more than this share them. */
export const FILE_SLOTS = 8;
/** A file is written in end order: a call later than this behind the newest gets a slot derived from itself. */
const WINDOW_S = 600;

export interface PointClockState {
  fileSlot: number;
  /** Per end second (epoch s): points already given out in it. */
  used: Record<string, number>;
}

/**
 * Gives each call of one file the time of its cdr_call point: the second the call ended, and in
 * the milliseconds a per-second count interleaved with the file's slot (count × 8 + slot), so no
 * two calls of up to 8 files share a timestamp (InfluxDB keeps one point per series and time).
 * It depends only on the file's own order, which is fixed, and its state is checkpointed with the
 * file: a batch read again after a crash gets the same times, whatever other files were read with it.
 */
export class PointClock {
  readonly #used = new Map<number, number>();
  #newest = 0;
  /** The second stamped last and its count, kept out of the map: a file's calls come in runs of one second. */
  #second = -1;
  #count = 0;

  readonly fileSlot: number;

  /** A restored clock keeps the slot it had; `fileSlot` is for a new file. */
  constructor(fileSlot: number, state?: PointClockState) {
    this.fileSlot = state?.fileSlot ?? fileSlot;
    for (const [second, n] of Object.entries(state?.used ?? {})) {
      this.#used.set(Number(second), n);
      this.#newest = Math.max(this.#newest, Number(second));
    }
  }

  stamp(call: CallRecord): void {
    const second = Math.floor(call.endMs / 1000);
    if (second > this.#newest) this.#newest = second;
    if (second !== this.#second) {
      const n = this.#used.get(second);
      if (n === undefined && second < this.#newest - WINDOW_S) {
        call.pointTime = second * 1000 + ((hashCall(call) >>> 0) % 1000);
        return;
      }
      this.#settle();
      // Seconds out of the window are never looked up again: a day's file would otherwise keep 86,400 of them.
      if (this.#used.size > 2 * WINDOW_S) this.#forgetBefore(this.#newest - WINDOW_S);
      this.#second = second;
      this.#count = n ?? 0;
    }
    call.pointTime = second * 1000 + Math.min(999, this.#count * FILE_SLOTS + this.fileSlot);
    this.#count += 1;
  }

  state(): PointClockState {
    this.#settle();
    this.#forgetBefore(this.#newest - WINDOW_S);
    return { fileSlot: this.fileSlot, used: Object.fromEntries(this.#used) };
  }

  #forgetBefore(second: number): void {
    for (const known of this.#used.keys()) if (known < second) this.#used.delete(known);
  }

  /** Writes the current second's count back to the map. */
  #settle(): void {
    if (this.#second >= 0) this.#used.set(this.#second, this.#count);
    this.#second = -1;
  }
}

function hashCall(call: CallRecord): number {
  let h = 0;
  for (const part of [call.id, call.src, call.dst, String(call.startMs)]) for (let i = 0; i < part.length; i++) h = (Math.imul(h, 31) + part.charCodeAt(i)) | 0;
  return h;
}
