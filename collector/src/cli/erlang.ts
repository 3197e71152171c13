import { circuitsFor, erlangB } from '../traffic/erlang.js';

/** `callboard erlang`: Erlang B for planners, as JSON or a sentence. */
export function erlangCommand(options: { traffic: string; gos?: string; circuits?: string; json?: boolean }): void {
  const traffic = Number(options.traffic);
  if (options.circuits !== undefined && options.gos !== undefined) throw new UsageError('give either --gos or --circuits, not both');
  let result: { circuits?: number; blocking: number };
  if (options.circuits !== undefined) {
    result = { blocking: erlangB(traffic, Number(options.circuits)) };
  } else if (options.gos !== undefined) {
    result = circuitsFor(traffic, Number(options.gos));
  } else {
    throw new UsageError('give --gos P (circuits needed) or --circuits N (blocking)');
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else if (options.circuits !== undefined) {
    process.stdout.write(`${traffic} E on ${options.circuits} circuits: blocking ${(result.blocking * 100).toPrecision(4)} %\n`);
  } else {
    process.stdout.write(`${traffic} E at ${Number(options.gos) * 100} % blocking: ${result.circuits} circuits (blocking ${(result.blocking * 100).toPrecision(4)} %)\n`);
  }
}

export class UsageError extends Error {
  readonly code = 'CALLBOARD_USAGE';
}
