import type { ServiceHandle } from './process.js';

/** A started service that tests can stop, crash and bring back on the same ports and data. */
export interface Restartable {
  /** The current process; replaced by restart(). */
  readonly handle: ServiceHandle;
  /** Stops the service and releases its work dir (unless the caller gave one). */
  stop(): Promise<void>;
  /** Stops (if running) and starts again with the same ports and config. */
  restart(): Promise<void>;
  /** SIGKILL to the whole process group, as in a crash; restart() brings it back. */
  kill9(): Promise<void>;
}

const PORT_ATTEMPTS = 3;

/**
 * Launches a service on ports chosen just before, choosing again when the launch shows that another
 * process took one between the probe and the bind (`isPortClash`); any other failure is final.
 */
export async function launchOnFreePorts(
  choosePorts: (attempt: number) => Promise<void>,
  launch: () => Promise<ServiceHandle>,
  isPortClash: (error: unknown) => boolean,
): Promise<ServiceHandle> {
  for (let attempt = 1; ; attempt++) {
    await choosePorts(attempt);
    try {
      return await launch();
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !isPortClash(error)) throw error;
    }
  }
}

/** Adds the Restartable methods to a service description; `launch` starts it again as it was. */
export function restartable<T extends object>(fields: T, first: ServiceHandle, launch: () => Promise<ServiceHandle>, release: () => void): T & Restartable {
  let handle = first;
  return Object.assign(
    {
      get handle() {
        return handle;
      },
      async stop() {
        await handle.stop();
        release();
      },
      async restart() {
        await handle.stop();
        handle = await launch();
      },
      async kill9() {
        await handle.kill9();
      },
    },
    fields,
  );
}
