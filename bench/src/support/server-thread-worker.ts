import { parentPort, workerData } from 'node:worker_threads';
import { type Op, parseOp } from '@kakeibo/core';
import { type BenchServer, type StorageMethod, startSqliteServer } from './server.js';
import { threadCpuSeconds } from './thread-cpu.js';

/** The server thread's side of ServerThread (server-thread.ts): one server, driven by messages. */

export interface ServerThreadStart {
  /** Storage methods to time (see timeStorage). */
  timed?: readonly StorageMethod[];
}

export type ServerThreadCall =
  | { id: number; kind: 'append'; ledgerId: string; ops: readonly Op[] }
  | { id: number; kind: 'resetStats' }
  | { id: number; kind: 'stats' }
  | { id: number; kind: 'close' };

export type ServerThreadReply = { id: number; value: unknown } | { id: number; error: string };

/** The server thread's CPU time when the timers were last reset. */
let cpuAtReset = threadCpuSeconds();

async function handle(server: BenchServer, call: ServerThreadCall): Promise<unknown> {
  switch (call.kind) {
    case 'append':
      await server.storage.appendOps(
        call.ledgerId,
        call.ops.map((op) => parseOp(op)),
      );
      return undefined;
    case 'resetStats':
      server.resetTimers();
      cpuAtReset = threadCpuSeconds();
      return undefined;
    case 'stats': {
      const cpu = threadCpuSeconds();
      return {
        routes: server.routes,
        storageSpent: server.storageSpent,
        ...(cpu !== undefined && cpuAtReset !== undefined && { cpuSeconds: cpu - cpuAtReset }),
      };
    }
    case 'close':
      await server.close();
      return undefined;
  }
}

const port = parentPort;
if (port) {
  const options = workerData as ServerThreadStart;
  startSqliteServer({ timed: options.timed ?? [] }).then(
    (server) => {
      port.on('message', (call: ServerThreadCall) => {
        handle(server, call).then(
          (value) => port.postMessage({ id: call.id, value } satisfies ServerThreadReply),
          (error: unknown) =>
            port.postMessage({
              id: call.id,
              error: error instanceof Error ? error.message : String(error),
            } satisfies ServerThreadReply),
        );
      });
      port.postMessage({ url: server.url });
    },
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
