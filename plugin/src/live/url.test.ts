// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { liveProtocols, liveUrl } from './url';

describe('liveUrl', () => {
  it('turns http into ws, adds /live and the measurement filter', () => {
    expect(liveUrl('http://collector:8089', ['trunk_status'])).toBe(
      'ws://collector:8089/live?measurements=trunk_status'
    );
    expect(liveUrl('https://noc.example/callboard/live', [])).toBe('wss://noc.example/callboard/live');
    expect(liveUrl('ws://127.0.0.1:1/live', ['a', 'b'])).toBe('ws://127.0.0.1:1/live?measurements=a%2Cb');
  });
  it('keeps the token out of the URL and refuses what is not a URL', () => {
    expect(liveUrl('ws://c/live?access_token=secret', [])).toBe('ws://c/live');
    expect(liveUrl('', [])).toBeNull();
    expect(liveUrl('collector:8089', [])).toBeNull();
    expect(liveUrl('ftp://c/live', [])).toBeNull();
  });
  it('sends the token as the bearer subprotocol', () => {
    expect(liveProtocols('abc')).toEqual(['callboard.v1', 'bearer.abc']);
    expect(liveProtocols('')).toEqual(['callboard.v1']);
  });
});
