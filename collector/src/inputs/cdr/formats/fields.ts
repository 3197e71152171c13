import { fractionMs, type Zone } from '../zone.js';

/** Small checked readers shared by the format parsers; each returns undefined on bad input so the parser can name the column. */

export function nonNegativeInt(text: string | undefined): number | undefined {
  return text === undefined ? undefined : nonNegativeIntAt(text, 0, text.length);
}

/** nonNegativeInt of text[start, end), read in place. */
export function nonNegativeIntAt(text: string, start: number, end: number): number | undefined {
  if (end === start || end - start > 15) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  return value;
}

/** "4.008000" seconds → 4008 ms, exactly (decimal digits, not floating-point multiplication); half up on the fourth decimal. */
export function secondsToMs(text: string | undefined): number | undefined {
  return text === undefined ? undefined : secondsToMsAt(text, 0, text.length);
}

/** secondsToMs of text[start, end), read in place. */
export function secondsToMsAt(text: string, start: number, n: number): number | undefined {
  let i = start;
  let whole = 0;
  // Character by character: this runs for every time and duration of every line.
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
  }
  if (i === start || i - start > 12) return undefined;
  let ms = 0;
  if (i < n) {
    const fraction = text.charCodeAt(i) === 46 /* . */ ? fractionMs(text, i + 1, n) : undefined;
    if (fraction === undefined) return undefined;
    ms = fraction;
  }
  return whole * 1000 + ms;
}

/**
 * A timestamp as CDR writers put it: epoch seconds ("1795621534", "1795621534.123") or local
 * wall-clock time ("2024-01-27 15:07:24[.ffffff]") in the switch's zone; `notBefore` as in Zone.parseLocal.
 */
export function timestamp(text: string | undefined, zone: Zone, notBefore?: number): number | undefined {
  return text ? timestampAt(text, 0, text.length, zone, notBefore) : undefined;
}

/** timestamp of text[start, end), read in place. */
export function timestampAt(text: string, start: number, end: number, zone: Zone, notBefore?: number): number | undefined {
  if (end === start) return undefined;
  if (text.charCodeAt(start + 4) === 45 /* - */) return zone.parseLocalAt(text, start, end, notBefore);
  return secondsToMsAt(text, start, end);
}

/** Asterisk channel name → its peer: "SIP/211553-00000003" → "SIP/211553"; Local channels have no trunk. */
export function channelPeer(channel: string | undefined): string | undefined {
  if (!channel || channel.startsWith('Local/')) return undefined;
  const dash = channel.lastIndexOf('-');
  return dash > 0 ? channel.slice(0, dash) : channel;
}
