import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The independent replica: each device process appends what it is about to send, one JSON line per
 * event, fsync'd before it goes on. It is written outside the SDK's store and never read by the
 * SDK, so the check compares the server's data (as a fresh device sees it) with what was really
 * sent, not with another copy of the same store.
 *
 *   intent   before `create`: the expense about to be added and a SHA-256 of its content
 *   durable  after `create` resolved: it is in the device's store (and outbox)
 *   acked    after a `kb.sync()` resolved: the server acknowledged these markers
 */
export interface ExpenseContent {
  marker: string;
  amount: number;
  currency: string;
  date: string;
  payee: string;
  note: string;
}

export type JournalEvent =
  | ({ e: 'intent'; hash: string } & ExpenseContent)
  | { e: 'durable'; marker: string; id: string }
  /** `final`: acknowledged in the clean sync at the end, not while faults were injected. */
  | { e: 'acked'; markers: string[]; final?: true };

/** The content hash the check recomputes from the row a fresh device holds. */
export function contentHash(c: ExpenseContent): string {
  return createHash('sha256')
    .update(JSON.stringify([c.marker, c.amount, c.currency, c.date, c.payee, c.note]))
    .digest('hex');
}

/** A marker is carried in the note: `chaos:<device>:<random>`. */
export const MARKER_PATTERN = /chaos:[A-Za-z0-9-]+:[0-9a-f]+/;

export class JournalWriter {
  private readonly fd: number;

  constructor(path: string) {
    // A kill in the middle of a write leaves a last line without its newline: end it, so this
    // process's first event is a line of its own (the torn one is then skipped by the reader).
    const torn = existsSync(path) && !readFileSync(path, 'utf8').endsWith('\n') && statSync(path).size > 0;
    this.fd = openSync(path, 'a', 0o600);
    if (torn) writeSync(this.fd, '\n');
  }

  /** Appends the events as lines and fsyncs: once this returns they survive a SIGKILL (or power loss). */
  append(...events: JournalEvent[]): void {
    if (events.length === 0) return;
    writeSync(this.fd, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export type Outcome = 'intent' | 'durable' | 'acked';

export interface JournalEntry {
  content: ExpenseContent;
  hash: string;
  outcome: Outcome;
  device: string;
  /** Acknowledged only by the clean sync at the end (it was durable on a device until then). */
  ackedAtEnd: boolean;
}

export interface JournalSummary {
  entries: Map<string, JournalEntry>;
  /** Lines cut off by a kill in the middle of a write (only ever a journal's last line). */
  tornLines: number;
}

const RANK: Record<Outcome, number> = { intent: 0, durable: 1, acked: 2 };

/** Reads every `*.jsonl` journal in a directory into one entry per marker, at its furthest outcome. */
export function readJournals(dir: string): JournalSummary {
  const summary: JournalSummary = { entries: new Map(), tornLines: 0 };
  if (!existsSync(dir)) return summary;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    readJournalInto(join(dir, file), file.replace(/\.jsonl$/, ''), summary);
  }
  return summary;
}

/** One device's journal (a restarted device reads its own, to know what it still has to see acked). */
export function readJournal(path: string, device = ''): JournalSummary {
  const summary: JournalSummary = { entries: new Map(), tornLines: 0 };
  if (existsSync(path)) readJournalInto(path, device, summary);
  return summary;
}

function readJournalInto(path: string, device: string, summary: JournalSummary): void {
  const { entries } = summary;
  const raise = (marker: string, outcome: Outcome, final = false) => {
    const entry = entries.get(marker);
    if (entry && RANK[outcome] > RANK[entry.outcome]) {
      entry.outcome = outcome;
      entry.ackedAtEnd = final;
    }
  };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    let event: JournalEvent;
    try {
      event = JSON.parse(line) as JournalEvent;
    } catch {
      summary.tornLines++;
      continue;
    }
    if (event.e === 'intent') {
      const { e: _e, hash, ...content } = event;
      entries.set(content.marker, { content, hash, outcome: 'intent', device, ackedAtEnd: false });
    } else if (event.e === 'durable') {
      raise(event.marker, 'durable');
    } else {
      for (const marker of event.markers) raise(marker, 'acked', event.final === true);
    }
  }
}
