import type { InputPlugin } from './input.js';
import { cdrInput } from './cdr/index.js';
import { kamailioInput } from './kamailio/index.js';
import { snmpInput } from './snmp/index.js';
import { snmpTrapInput } from './snmp-trap/index.js';

/** Every input type the collector knows, by config `type`. New inputs register here and nowhere else. */
export const inputPlugins = [kamailioInput, cdrInput, snmpInput, snmpTrapInput] as const satisfies readonly InputPlugin[];

export type InputConfig = (typeof inputPlugins)[number] extends InputPlugin<infer S> ? import('zod').z.output<S> : never;

export function findInputPlugin(type: string): InputPlugin | undefined {
  return inputPlugins.find((p) => p.type === type) as InputPlugin | undefined;
}
