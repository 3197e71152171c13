// Active calls on a Cisco voice gateway: cvCallVolConnActiveConnection per protocol (IOS from
// 2009 on); on older IOS, the number of rows in cvCallActiveTable, else DIAL-CONTROL-MIB's
// callActiveTable. Each active call is two legs on a gateway; the figure is the device's own.
import type { VoiceSample } from '../poll-result.js';
import { num, type Profile, type ProfileOutput } from './profile.js';

export const VOICE_OIDS = {
  cvCallVolConnActiveConnection: '1.3.6.1.4.1.9.9.63.1.3.8.1.1.2',
  /** cvCallActiveConnectionId, one per active call leg. */
  cvCallActiveTable: '1.3.6.1.4.1.9.9.63.1.3.1.1.1',
  /** callActiveSetupTime, one per active call (DIAL-CONTROL-MIB). */
  callActiveTable: '1.3.6.1.2.1.10.21.1.3.1.1.1',
} as const;

/** CvCallConnectionType values. */
const PROTOCOLS: Record<number, string> = { 1: 'h323', 2: 'sip', 3: 'mgcp', 4: 'sccp', 5: 'multicast', 6: 'cacontrol', 7: 'telephony' };

export const ciscoVoiceProfile: Profile = {
  name: 'cisco-voice',
  description: 'Cisco voice gateway active calls: per protocol, or counted from the active-call tables on older IOS.',
  appliesTo: (d) => d.vendor === 'cisco',
  async poll(reader): Promise<ProfileOutput> {
    const perProtocol = await reader.walk(VOICE_OIDS.cvCallVolConnActiveConnection, 10);
    const byProtocol: Record<string, number> = {};
    for (const vb of perProtocol) {
      const type = Number(vb.oid.slice(VOICE_OIDS.cvCallVolConnActiveConnection.length + 1));
      const calls = num(vb);
      if (calls !== undefined) byProtocol[PROTOCOLS[type] ?? `type${type}`] = calls;
    }
    // Rows that are not numbers are an agent's nonsense, not zero calls.
    if (Object.keys(byProtocol).length > 0) {
      const activeCalls = Object.values(byProtocol).reduce((a, b) => a + b, 0);
      return { voice: { activeCalls, byProtocol, source: 'cvCallVolConnActiveConnection' } };
    }
    // Older IOS: count the rows of the active-call tables.
    for (const source of ['cvCallActiveTable', 'callActiveTable'] as const) {
      const rows = await reader.walk(VOICE_OIDS[source], 50);
      if (rows.length > 0) return { voice: { activeCalls: rows.length, byProtocol: {}, source } satisfies VoiceSample };
    }
    return {};
  },
};
