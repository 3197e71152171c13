// Notification and varbind OIDs the translator knows. Sources: SNMPv2-MIB and IF-MIB (RFC 3418,
// 2863), RFC 3584 (v1 → v2 trap mapping), DS1-MIB (RFC 4805), DIAL-CONTROL-MIB (RFC 2128),
// ISDN-MIB (RFC 2127), CISCO-RTTMON-MIB, CISCO-VOICE-DIAL-CONTROL-MIB.

/** snmpTrapOID.0 and sysUpTime.0: the first two varbinds of every v2c/v3 notification. */
export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
/** snmpTrapEnterprise.0, added to a v1 trap translated per RFC 3584. */
export const SNMP_TRAP_ENTERPRISE = '1.3.6.1.6.3.1.1.4.3.0';
/** snmpTraps: the generic traps 0–5 of SNMPv1 are snmpTraps.(generic + 1). */
export const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';

export const NOTIFICATIONS = {
  coldStart: `${SNMP_TRAPS}.1`,
  warmStart: `${SNMP_TRAPS}.2`,
  linkDown: `${SNMP_TRAPS}.3`,
  linkUp: `${SNMP_TRAPS}.4`,
  authenticationFailure: `${SNMP_TRAPS}.5`,
  egpNeighborLoss: `${SNMP_TRAPS}.6`,
  dsx1LineStatusChange: '1.3.6.1.2.1.10.18.15.0.1',
  dialCtlPeerCallInformation: '1.3.6.1.2.1.10.21.2.0.1',
  dialCtlPeerCallSetup: '1.3.6.1.2.1.10.21.2.0.2',
  isdnMibCallInformation: '1.3.6.1.2.1.10.20.2.0.1',
  rttMonConnectionChangeNotification: '1.3.6.1.4.1.9.9.42.2.0.1',
  rttMonTimeoutNotification: '1.3.6.1.4.1.9.9.42.2.0.2',
  rttMonThresholdNotification: '1.3.6.1.4.1.9.9.42.2.0.3',
  rttMonNotification: '1.3.6.1.4.1.9.9.42.2.0.5',
  cvdcPoorQoVNotification: '1.3.6.1.4.1.9.9.63.2.0.1',
} as const;

export type NotificationName = keyof typeof NOTIFICATIONS;

/** Columns whose instance (OID suffix) identifies the affected object. */
export const COLUMNS = {
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifAdminStatus: '1.3.6.1.2.1.2.2.1.7',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  /** OLD-CISCO-INTERFACES-MIB locIfReason: Cisco's linkDown/linkUp add it ("administratively down", "Lost Carrier"). */
  locIfReason: '1.3.6.1.4.1.9.2.2.1.1.20',
  dsx1LineStatus: '1.3.6.1.2.1.10.18.6.1.10',
  rttMonCtrlAdminTag: '1.3.6.1.4.1.9.9.42.1.2.1.1.3',
  rttMonHistoryCollectionAddress: '1.3.6.1.4.1.9.9.42.1.4.1.1.5',
  rttMonReactVar: '1.3.6.1.4.1.9.9.42.1.2.19.1.2',
  rttMonReactThresholdRising: '1.3.6.1.4.1.9.9.42.1.2.19.1.5',
  rttMonReactThresholdFalling: '1.3.6.1.4.1.9.9.42.1.2.19.1.6',
  rttMonReactValue: '1.3.6.1.4.1.9.9.42.1.2.19.1.9',
  rttMonReactOccurred: '1.3.6.1.4.1.9.9.42.1.2.19.1.10',
  rttMonCtrlOperConnectionLostOccurred: '1.3.6.1.4.1.9.9.42.1.2.9.1.5',
  rttMonCtrlOperTimeoutOccurred: '1.3.6.1.4.1.9.9.42.1.2.9.1.6',
  rttMonCtrlOperOverThresholdOccurred: '1.3.6.1.4.1.9.9.42.1.2.9.1.7',
  dialCtlPeerCfgId: '1.3.6.1.2.1.10.21.1.2.1.1.1',
  dialCtlPeerStatsLastDisconnectCause: '1.3.6.1.2.1.10.21.1.2.2.1.7',
  dialCtlPeerStatsLastDisconnectText: '1.3.6.1.2.1.10.21.1.2.2.1.8',
} as const;

/** rttMonReactVar (CISCO-RTTMON-TC-MIB RttMonReactVar), the ones a voice network configures. */
export const RTT_REACT_VARS: Readonly<Record<number, string>> = {
  1: 'rtt',
  2: 'jitter SD',
  3: 'jitter DS',
  4: 'packet loss SD',
  5: 'packet loss DS',
  6: 'MOS',
  7: 'timeout',
  8: 'connection loss',
  9: 'verify error',
  10: 'jitter',
  11: 'ICPIF',
  12: 'packets missing',
  13: 'late packets',
  14: 'out of sequence',
};

/** ifAdminStatus / ifOperStatus values (IF-MIB). */
export const IF_STATUS: Readonly<Record<number, string>> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
};
