// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { fillTemplate } from './template.js';

describe('fillTemplate', () => {
  it('replaces every ${NAME} and leaves Kamailio pseudo-variables alone', () => {
    const cfg = 'listen=udp:127.0.0.1:${SIP_PORT}\n$dlg_var(gw) = $du; $(ci{s.len}) ${SIP_PORT}';
    expect(fillTemplate(cfg, { SIP_PORT: 5060 })).toBe('listen=udp:127.0.0.1:5060\n$dlg_var(gw) = $du; $(ci{s.len}) 5060');
  });

  it('refuses placeholders without a value and values without a placeholder', () => {
    expect(() => fillTemplate('${A} ${B}', { A: 1 })).toThrow('placeholders without a value: B');
    expect(() => fillTemplate('${A}', { A: 1, C: 2 })).toThrow('template does not have: C');
  });
});
