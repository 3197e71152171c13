import type { Input, InputPlugin } from '../input.js';
import { cdrConfigSchema } from './config.js';
import { CdrInput } from './input.js';
import { cdrMeasurements } from './measurements.js';
import type { MilestoneBook } from './milestones.js';

export type { CdrConfig } from './config.js';
export { CdrInput } from './input.js';
export { cdrReconciliation, reconcilePairs } from './reconcile.js';

export const cdrInput: InputPlugin<typeof cdrConfigSchema> = {
  type: 'cdr',
  description: 'Call detail records tailed from Asterisk, FreeSWITCH, Cisco UCM and Kamailio files: per-call points, daily totals in the carrier timezone, milestones.',
  configSchema: cdrConfigSchema,
  measurements: cdrMeasurements,
  create: (config, context) => new CdrInput(config, context),
};

/** The milestone book of the first cdr input, for the milestones API. */
export function findMilestoneBook(inputs: readonly Input[]): MilestoneBook | undefined {
  return inputs.find((i): i is CdrInput => i instanceof CdrInput)?.milestones;
}
