/** The messages between a device process (device-worker.ts) and the suite (device-process.ts). */

export type DeviceMode =
  /** Signs the account up (the ledger exists from then on). */
  | 'signup'
  /** Adds `count` expenses in batches and syncs them: the ledger a fresh device bootstraps from. */
  | 'seed'
  /** Adds one expense after another, syncing every `syncEvery`, until told to stop (or killed). */
  | 'write'
  /** A first sync on an empty data dir (killed in the middle of it, then run again on the same dir). */
  | 'bootstrap'
  /** Syncs until its outbox is empty and the round verified. */
  | 'drain'
  /** A brand-new device: bootstraps, verifies, and sends back every expense it holds. */
  | 'check';

export interface DeviceTask {
  mode: DeviceMode;
  device: string;
  serverUrl: string;
  email: string;
  password: string;
  dataDir: string;
  /** KAKEIBO_CLIENT_KEY_DIR: the local key outside dataDir, as an application keeps it. */
  keyDir: string;
  /** This device's journal file (appended to across its restarts). */
  journal: string;
  count?: number;
  syncEvery?: number;
  /** Upper bound of the random pause between two writes. */
  pauseMs?: number;
}

export interface ExpenseRow {
  id: string;
  amount: number;
  currency: string;
  date: string;
  payee: string;
  note: string;
  deleted: boolean;
}

export interface DeviceCounts {
  written: number;
  acked: number;
  syncErrors: number;
  verifyFailures: number;
}

export interface DoneReport extends DeviceCounts {
  verified?: boolean;
  repaired?: number;
  rejected?: number;
  expenses?: number;
  rows?: ExpenseRow[];
}

export type DeviceReply =
  | { t: 'ready' }
  | { t: 'syncing' }
  /** A writer is about to journal and add an expense. */
  | { t: 'writing' }
  /** The first sync (the bootstrap) is over and verified. */
  | { t: 'synced' }
  | ({ t: 'progress' } & DeviceCounts)
  | { t: 'verify-failed'; message: string }
  | ({ t: 'done' } & DoneReport)
  | { t: 'error'; message: string };
