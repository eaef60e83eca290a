import { describe, expect, it } from 'vitest';
import { formatStamp } from '../src/clock/index.js';
import { uuidv7 } from '../src/ids.js';
import {
  bucketOf,
  CHECKSUM_VERSION,
  combineBuckets,
  diffBuckets,
  fieldHash,
  hash64,
  hash64Hex,
  StateChecksum,
} from '../src/sync/index.js';

const S1 = formatStamp({ wallMs: 1_700_000_000_000, counter: 0, deviceId: 'aaaaaaaaaaaaaaaa' });
const S2 = formatStamp({ wallMs: 1_700_000_000_001, counter: 0, deviceId: 'bbbbbbbbbbbbbbbb' });
const ROW = '019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9d';

describe('hash64', () => {
  it('is pinned: every client and server version must compute the same hashes', () => {
    // Changing the hash function is a protocol change: replicas would disagree on every checksum.
    // Exact values, not snapshots: `vitest -u` must never be able to rewrite them.
    expect(hash64Hex(hash64(''))).toBe('147b34fb575e9199');
    expect(hash64Hex(hash64('expenses'))).toBe('c219f86a365140a2');
    // CHECKSUM_VERSION 2: table, row, stamp, field, value (version 1 had the field before the stamp).
    expect(CHECKSUM_VERSION).toBe(2);
    expect(fieldHash('expenses', ROW, 'amount', S1, 1250)).toEqual(
      hash64(`expenses\u0000${ROW}\u0000${S1}\u0000amount\u00001250`),
    );
    expect(hash64Hex(fieldHash('expenses', ROW, 'amount', S1, 1250))).toBe('c7c6a3817a3445a4');
  });

  it('separates inputs that differ in any part', () => {
    const hashes = new Set(
      [
        fieldHash('expenses', ROW, 'amount', S1, 1250),
        fieldHash('expenses', ROW, 'amount', S1, 1251),
        fieldHash('expenses', ROW, 'amount', S1, '1250'),
        fieldHash('expenses', ROW, 'amount', S2, 1250),
        fieldHash('expenses', ROW, 'payee', S1, 1250),
        fieldHash('income', ROW, 'amount', S1, 1250),
        fieldHash('expenses', ROW, 'tags', S1, ['a', 'b']),
        fieldHash('expenses', ROW, 'tags', S1, ['b', 'a']),
        fieldHash('expenses', ROW, 'note', S1, null),
      ].map(hash64Hex),
    );
    expect(hashes.size).toBe(9);
  });

  it('spreads many similar inputs without collision', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(hash64Hex(hash64(`expenses\u0000row${i}\u0000amount`)));
    expect(seen.size).toBe(50_000);
  });
});

describe('StateChecksum', () => {
  it('is independent of the order fields are added in', () => {
    const a = new StateChecksum();
    const b = new StateChecksum();
    a.apply('expenses', ROW, 'amount', S1, 1, 1);
    a.apply('expenses', ROW, 'payee', S2, 'x', 1);
    b.apply('expenses', ROW, 'payee', S2, 'x', 1);
    b.apply('expenses', ROW, 'amount', S1, 1, 1);
    expect(a.total()).toBe(b.total());
    expect(a.toBuckets()).toEqual(b.toBuckets());
  });

  it('updates incrementally: replacing a field equals never having had the old value', () => {
    const incremental = new StateChecksum();
    incremental.apply('expenses', ROW, 'amount', S1, 1, 1);
    incremental.apply('expenses', ROW, 'amount', S1, 1, -1);
    incremental.apply('expenses', ROW, 'amount', S2, 2, 1);
    const direct = new StateChecksum();
    direct.apply('expenses', ROW, 'amount', S2, 2, 1);
    expect(incremental.total()).toBe(direct.total());
    expect(incremental.toBuckets()).toEqual(direct.toBuckets());
  });

  it('removing everything returns to the empty checksum', () => {
    const c = new StateChecksum();
    const empty = c.total();
    c.apply('expenses', ROW, 'amount', S1, 1, 1);
    expect(c.total()).not.toBe(empty);
    c.apply('expenses', ROW, 'amount', S1, 1, -1);
    expect(c.total()).toBe(empty);
    expect(c.toBuckets()).toEqual([]);
  });

  it('points at the bucket that differs, so repair can fetch just that', () => {
    const rows = Array.from({ length: 64 }, () => uuidv7());
    const mine = new StateChecksum();
    const theirs = new StateChecksum();
    for (const id of rows) {
      mine.apply('expenses', id, 'amount', S1, 100, 1);
      theirs.apply('expenses', id, 'amount', S1, 100, 1);
    }
    const odd = rows[5] as string;
    theirs.apply('expenses', odd, 'amount', S1, 100, -1);
    theirs.apply('expenses', odd, 'amount', S2, 200, 1);
    expect(diffBuckets(mine.toBuckets(), theirs.toBuckets())).toEqual([
      { table: 'expenses', bucket: bucketOf(odd) },
    ]);
    expect(combineBuckets(mine.toBuckets())).toBe(mine.total());
    expect(diffBuckets(mine.toBuckets(), mine.toBuckets())).toEqual([]);
  });

  it('a bucket present on one side only is a difference', () => {
    const mine = new StateChecksum();
    mine.apply('income', ROW, 'amount', S1, 1, 1);
    expect(diffBuckets(mine.toBuckets(), [])).toEqual([{ table: 'income', bucket: bucketOf(ROW) }]);
  });
});

describe('RowHasher', () => {
  it('is bit-identical to fieldHash for every kind of value', async () => {
    const { fieldHash, RowHasher } = await import('../src/sync/checksum.js');
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.constantFrom('expenses', 'income', 'categories'),
        fc.uuid(),
        fc.string({ maxLength: 20 }),
        fc.oneof(
          fc.string(),
          // Every UTF-16 unit: quotes, backslashes, control characters, lone and paired surrogates,
          // which the hasher's fast path for strings must hand to JSON.stringify.
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'grapheme' }),
          fc.constantFrom(
            '',
            '"',
            '\\',
            'a"b\\c',
            'tab\tnew\nline',
            '\ud83e\udd50',
            '\ud800',
            'x\udfffy',
            '\u2028',
          ),
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }),
        ),
        (table, rowId, field, value) => {
          const stamp = '019ab4a26f1e-0001-3f9c0e1d2b4a5968';
          expect(new RowHasher(table, rowId).hash(field, stamp, value)).toEqual(
            fieldHash(table, rowId, field, stamp, value),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('stays bit-identical across the fields of one row, whatever order their stamps come in', async () => {
    const { fieldHash, RowHasher } = await import('../src/sync/checksum.js');
    const fc = (await import('fast-check')).default;
    const stamps = [
      S1,
      S2,
      formatStamp({ wallMs: 1_700_000_000_001, counter: 1, deviceId: 'aaaaaaaaaaaaaaaa' }),
    ];
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...stamps), fc.string()), {
          maxLength: 12,
        }),
        (rowId, fields) => {
          // One hasher per row, as ChecksumDelta uses it: the stamp it hashed last must never leak
          // into a field of another stamp.
          const hasher = new RowHasher('expenses', rowId);
          for (const [field, stamp, value] of fields) {
            expect(hasher.hash(field, stamp, value)).toEqual(
              fieldHash('expenses', rowId, field, stamp, value),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
