import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { KakeiboError } from '@kakeibo/core';
import type { Destination } from './destinations/types.js';
import type { PieceLine, PieceRef } from './format.js';
import type { BackupKeys } from './keys.js';
import { openStream, sealStream } from './sealed-stream.js';

/**
 * Writing and reading pieces. A piece is written as it is produced, line by line through gzip and
 * the sealing stream into a scratch file (hashing the bytes on the way), then handed to the
 * destination whole: memory stays one chunk deep whatever the piece's size. A piece is read back
 * the other way round, but only after the whole stored object has been fetched and checked against
 * its size and SHA-256 in the manifest, so nothing is restored from a piece that is not intact.
 */

export class PieceWriter {
  private readonly gzip = createGzip({ level: 6 });
  private readonly done: Promise<void>;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  /** Plaintext bytes written so far (what rolling over to a new piece is decided on). */
  plainBytes = 0;
  lines = 0;

  constructor(
    readonly name: string,
    private readonly file: string,
    keys: BackupKeys,
  ) {
    const count = new Transform({
      transform: (chunk: Buffer, _encoding, next) => {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        next(null, chunk);
      },
    });
    this.done = pipeline(
      this.gzip,
      sealStream(keys.pieceKey, name),
      count,
      createWriteStream(file, { mode: 0o600 }),
    );
    this.done.catch(() => undefined);
  }

  async write(line: PieceLine): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    this.plainBytes += text.length;
    this.lines += 1;
    if (!this.gzip.write(text)) await new Promise<void>((resolve) => this.gzip.once('drain', resolve));
  }

  /** Finishes the file and stores it at the destination; the scratch file is removed. */
  async store(destination: Destination): Promise<PieceRef> {
    this.gzip.end();
    await this.done;
    const ref = { name: this.name, bytes: this.bytes, sha256: this.hash.digest('hex') };
    try {
      await destination.put(this.name, this.file, ref.bytes, ref.sha256);
    } finally {
      await rm(this.file, { force: true });
    }
    return ref;
  }

  async discard(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => undefined);
    await rm(this.file, { force: true });
  }
}

/** What is wrong with a piece, in the words `verify` and `restore` report it with. */
export const brokenPiece = (name: string, problem: string) =>
  new KakeiboError('backup.broken_piece', `piece ${name} is ${problem}`, { piece: name });

/**
 * Fetches a piece into `scratch` and checks it against its reference: missing, truncated (fewer
 * bytes than recorded) or tampered (other bytes, or more of them). Returns the checked file.
 */
export async function fetchPiece(destination: Destination, ref: PieceRef, scratch: string): Promise<string> {
  const body = await destination.get(ref.name);
  if (!body) throw brokenPiece(ref.name, 'missing');
  const file = join(scratch, ref.name.replace(/\//g, '_'));
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    body,
    new Transform({
      transform(chunk: Buffer, _encoding, next) {
        hash.update(chunk);
        bytes += chunk.length;
        next(null, chunk);
      },
    }),
    createWriteStream(file, { mode: 0o600 }),
  );
  if (bytes < ref.bytes) throw brokenPiece(ref.name, `truncated (${bytes} of ${ref.bytes} bytes)`);
  if (bytes > ref.bytes || hash.digest('hex') !== ref.sha256)
    throw brokenPiece(ref.name, 'tampered (its SHA-256 does not match the manifest)');
  return file;
}

/** The lines of a checked piece file, decrypted and decompressed as they are read. */
export async function* readPiece(file: string, name: string, keys: BackupKeys): AsyncGenerator<PieceLine> {
  const plain = new PassThrough();
  const piping = pipeline(createReadStream(file), openStream(keys.pieceKey, name), createGunzip(), plain);
  let failure: unknown;
  piping.catch((error: unknown) => {
    failure = error;
    plain.destroy();
  });
  const lines = createInterface({ input: plain as Readable, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) if (line) yield JSON.parse(line) as PieceLine;
  } catch (error) {
    throw brokenPiece(
      name,
      `unreadable (${(failure ?? error) instanceof Error ? ((failure ?? error) as Error).message : 'damaged'})`,
    );
  }
  await piping.catch(() => undefined);
  if (failure)
    throw brokenPiece(name, `unreadable (${failure instanceof Error ? failure.message : 'damaged'})`);
}
