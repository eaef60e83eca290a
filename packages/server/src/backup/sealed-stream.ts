import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { KakeiboError } from '@kakeibo/core';

/**
 * Authenticated encryption of a stream in chunks (the STREAM construction, as age uses it): the
 * plaintext is cut into 64 KiB chunks, each sealed with AES-256-GCM under the piece's own key with
 * the nonce `counter (11 bytes) | last (1 byte)` and the piece's name as associated data. So every
 * chunk is authenticated before any of it is used, chunks cannot be reordered, dropped or moved to
 * another piece, and a stream cut at a chunk boundary fails too (its last chunk is not marked last).
 *
 * Stored form: `KKBP` | version 1 | 16-byte salt | chunks (ciphertext + 16-byte tag each).
 */

export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const MAGIC = Buffer.from('KKBP\u0001', 'latin1');
export const SALT_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + SALT_BYTES;

const nonce = (counter: number, last: boolean) => {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6); // bytes 0-4 stay zero: 2^48 chunks is far beyond any piece
  n[11] = last ? 1 : 0;
  return n;
};

export const sealFailed = (reason: string) =>
  new KakeiboError('backup.piece_unreadable', `cannot be decrypted (${reason})`, { reason });

/** Encrypts what is written into it; `keyFor(salt)` gives the piece key for its fresh random salt. */
export function sealStream(keyFor: (salt: Buffer) => Buffer, aad: string): Transform {
  const salt = randomBytes(SALT_BYTES);
  const key = keyFor(salt);
  const ad = Buffer.from(aad, 'utf8');
  let pending: Buffer = Buffer.alloc(0);
  let counter = 0;
  const seal = (plain: Buffer, last: boolean) => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(counter++, last));
    cipher.setAAD(ad);
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  };
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (!started) {
        started = true;
        this.push(Buffer.concat([MAGIC, salt]));
      }
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      // A full chunk is sealed only once more follows: the last one must be marked last.
      while (pending.length > CHUNK_BYTES) {
        this.push(seal(pending.subarray(0, CHUNK_BYTES), false));
        pending = pending.subarray(CHUNK_BYTES);
      }
      done();
    },
    flush(done: TransformCallback) {
      if (!started) this.push(Buffer.concat([MAGIC, salt]));
      this.push(seal(pending, true));
      done();
    },
  });
}

/** Decrypts a sealed stream, failing (`backup.piece_unreadable`) at the first chunk that does not open. */
export function openStream(keyFor: (salt: Buffer) => Buffer, aad: string): Transform {
  const ad = Buffer.from(aad, 'utf8');
  let key: Buffer | null = null;
  let pending: Buffer = Buffer.alloc(0);
  let counter = 0;
  const open = (sealed: Buffer, last: boolean) => {
    if (!key) throw sealFailed('no header');
    if (sealed.length < TAG_BYTES) throw sealFailed('cut short');
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(counter++, last));
    decipher.setAAD(ad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw sealFailed('authentication failed');
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        if (!key) {
          if (pending.length < HEADER_BYTES) return done();
          if (!pending.subarray(0, MAGIC.length).equals(MAGIC))
            throw sealFailed('not a Kakeibo backup piece');
          key = keyFor(Buffer.from(pending.subarray(MAGIC.length, HEADER_BYTES)));
          pending = pending.subarray(HEADER_BYTES);
        }
        // Held back until more follows: only the end of the stream says which chunk is last.
        while (pending.length > CHUNK_BYTES + TAG_BYTES) {
          this.push(open(pending.subarray(0, CHUNK_BYTES + TAG_BYTES), false));
          pending = pending.subarray(CHUNK_BYTES + TAG_BYTES);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (!key) throw sealFailed('cut short');
        this.push(open(pending, true));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
