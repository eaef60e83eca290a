import { startServeProcess } from '@kakeibo/cli';
import WebSocket from 'ws';
import type { BenchCase } from '../case.js';
import { median, now, percentile } from '../case.js';
import { BENCH_PASSWORD, BenchDevice, benchEmail } from '../support/client.js';
import { tempDir } from '../support/sqlite.js';
import { ExpenseWriter } from '../support/workload.js';

const CONNECTED = 1_000;
const SAMPLES = 200;
const IDLE = 10_000;

async function ticket(device: BenchDevice): Promise<string> {
  const reply = await device.request<{ ticket: string }>('POST', '/v1/realtime/ticket');
  if (reply.status !== 200) throw new Error(`ticket request answered ${reply.status}`);
  return reply.body.ticket;
}

/** Opens a socket and resolves once the server said hello. */
function connect(
  baseUrl: string,
  t: string,
  onMessage?: (m: { type: string; head: number }) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/realtime?ticket=${t}`);
    ws.once('error', reject);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; head: number };
      if (message.type === 'hello') resolve(ws);
      onMessage?.(message);
    });
  });
}

/**
 * Propagation: device A pushes one expense over HTTP; device B, whose socket is one of 1,000 open on
 * the same server process, hears the notice and pulls the change. Then the memory of 10,000 idle
 * sockets, read from the server process alone.
 */
export const realtime: BenchCase = {
  name: 'realtime',
  summary: `Change propagation A → B with ${CONNECTED.toLocaleString('en')} sockets open (push → notice, push → notice → pull; ${SAMPLES} samples), and server RSS per idle socket with ${IDLE.toLocaleString('en')} open. Server in its own process (embedded SQLite).`,
  timeoutMs: 240_000,
  async run({ log }) {
    const dir = tempDir('realtime');
    const server = await startServeProcess(['--data', dir.path], { KAKEIBO_LOG_LEVEL: 'warn' });
    const sockets: WebSocket[] = [];
    try {
      const email = benchEmail('realtime');
      const writer = new ExpenseWriter();
      const a = await BenchDevice.create(server.url, 'Pusher', writer.deviceId);
      await a.signUp(email, BENCH_PASSWORD);
      const b = await BenchDevice.create(server.url, 'Listener');
      await b.signIn(email, BENCH_PASSWORD);
      const idler = await BenchDevice.create(server.url, 'Idle devices');
      await idler.signUp(benchEmail('idle'), BENCH_PASSWORD);

      log(`opening ${CONNECTED - 1} idle sockets`);
      for (let i = 0; i < CONNECTED - 1; i++) sockets.push(await connect(server.url, await ticket(idler)));
      let waiting: ((head: number) => void) | null = null;
      sockets.push(
        await connect(server.url, await ticket(b), (m) => {
          if (m.type === 'ledger') waiting?.(m.head);
        }),
      );

      const notice: number[] = [];
      const withPull: number[] = [];
      let cursor = 0;
      for (let i = 0; i < SAMPLES + 10; i++) {
        const heard = new Promise<number>((resolve) => {
          waiting = resolve;
        });
        const started = now();
        await a.push([writer.create()]);
        const head = await heard;
        const heardAt = now();
        const page = await b.request<{ ops: unknown[]; nextCursor: number }>(
          'GET',
          `/v1/sync/pull?after=${cursor}`,
        );
        if (page.body.ops.length < 1 || page.body.nextCursor !== head)
          throw new Error('the pull missed the change');
        cursor = page.body.nextCursor;
        if (i >= 10) {
          notice.push(heardAt - started);
          withPull.push(now() - started);
        }
      }

      const before = server.rss();
      log(`opening ${IDLE - CONNECTED} more idle sockets`);
      for (let i = CONNECTED; i < IDLE; i++) sockets.push(await connect(server.url, await ticket(idler)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = server.rss();
      const perSocket = (after - before) / (IDLE - CONNECTED);

      return {
        metrics: [
          { metric: `push → notice, p50 (${CONNECTED} sockets open)`, value: median(notice), unit: 'ms' },
          {
            metric: `push → notice, p99 (${CONNECTED} sockets open)`,
            value: percentile(notice, 99),
            unit: 'ms',
          },
          {
            metric: `push → notice → pulled, p50 (${CONNECTED} sockets open)`,
            value: median(withPull),
            unit: 'ms',
            target: { of: 'value', max: 30 },
          },
          {
            metric: `push → notice → pulled, p99 (${CONNECTED} sockets open)`,
            value: percentile(withPull, 99),
            unit: 'ms',
            target: { of: 'value', max: 100 },
          },
          { metric: 'server RSS per idle socket', value: perSocket / 1024, unit: 'KiB' },
          {
            metric: `server RSS with ${IDLE.toLocaleString('en')} sockets open`,
            value: after / 1024 / 1024,
            unit: 'MiB',
            target: { of: 'value', max: 1024 },
          },
        ],
        notes: [
          'Propagation includes the push itself (HTTP, validation, storage) and, for "pulled", the signed pull of the change.',
        ],
      };
    } finally {
      for (const ws of sockets) ws.terminate();
      await server.stop();
      dir.remove();
    }
  },
};
