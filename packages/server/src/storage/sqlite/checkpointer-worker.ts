import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import type { CheckpointerStart } from './checkpointer.js';
import { useSqlCipher } from './cipher.js';

/**
 * The checkpointer's thread (see checkpointer.ts): its own connection to the file, passive
 * checkpoints in a loop that speeds up while there are frames to copy and slows down when idle.
 */
const { file, key, fastMs, idleMs } = workerData as CheckpointerStart;
const db = new Database(file);
useSqlCipher(db, Buffer.from(key, 'hex'));
// A checkpoint that would wait for a lock is simply tried again on the next turn.
db.pragma('busy_timeout = 0');

let delay = fastMs;
let copied = -1;
let timer = setTimeout(checkpoint, delay);

function checkpoint(): void {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
    const progressed = result !== undefined && result.checkpointed !== copied && result.log > 0;
    copied = result?.checkpointed ?? -1;
    delay = progressed ? fastMs : Math.min(idleMs, delay * 2);
  } catch {
    // Busy, or the file is being closed: the next turn tries again (or the thread is stopped).
    delay = Math.min(idleMs, delay * 2);
  }
  timer = setTimeout(checkpoint, delay);
}

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort?.postMessage('stopped');
});
