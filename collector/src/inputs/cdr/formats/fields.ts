import type { Zone } from '../zone.js';

/** Small checked readers shared by the format parsers; each returns undefined on bad input so the parser can name the column. */

export function nonNegativeInt(text: string | undefined): number | undefined {
  if (text === undefined || text === '' || text.length > 15) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(text);
}

/** "4.008000" seconds → 4008 ms, exactly (decimal digits, not floating-point multiplication); half up on the fourth decimal. */
export function secondsToMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = text.length;
  let i = 0;
  let whole = 0;
  // Character by character: this runs for every time and duration of every line.
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
  }
  if (i === 0 || i > 12) return undefined;
  let ms = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */ || i + 1 === n) return undefined;
    let scale = 100;
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return undefined;
      if (scale >= 1) ms += c * scale;
      else if (scale === 0.1 && c >= 5) ms += 1;
      scale /= 10;
    }
  }
  return whole * 1000 + ms;
}

/**
 * A timestamp as CDR writers put it: epoch seconds ("1795621534", "1795621534.123") or local
 * wall-clock time ("2024-01-27 15:07:24[.ffffff]") in the switch's zone.
 */
export function timestamp(text: string | undefined, zone: Zone): number | undefined {
  if (!text) return undefined;
  const c = text.charCodeAt(4);
  if (c === 45 /* - */) return zone.parseLocal(text);
  return secondsToMs(text);
}

/** Asterisk channel name → its peer: "SIP/211553-00000003" → "SIP/211553"; Local channels have no trunk. */
export function channelPeer(channel: string | undefined): string | undefined {
  if (!channel || channel.startsWith('Local/')) return undefined;
  const dash = channel.lastIndexOf('-');
  return dash > 0 ? channel.slice(0, dash) : channel;
}
