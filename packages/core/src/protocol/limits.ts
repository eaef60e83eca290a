/**
 * Every request and response of the sync protocol is bounded, whatever the size of the account:
 * big histories travel as many small pages, never as one large body.
 */
export const LIMITS = Object.freeze({
  /** Ops in one push batch. */
  maxPushOps: 1000,
  /** Bytes of one push request body (uncompressed). 1000 typical ops are ~400 KB. */
  maxPushBytes: 4 * 1024 * 1024,
  /** Ops in one pull page; the client may ask for fewer. */
  maxPullOps: 1000,
  defaultPullOps: 500,
  /**
   * Rows in one snapshot (or repair) page: ~1.1 MB of packed JSON at most. A bootstrap pays a signed
   * request and a local commit per page, and a 100,000-row bootstrap measured markedly faster with
   * pages of 2,500 than of 1,000, while a page stays small enough for a phone to hold two of.
   */
  maxSnapshotRows: 2500,
  defaultSnapshotRows: 500,
  /** Calls carried by one batch request. */
  maxBatchCalls: 20,
});

/** What a push body weighs beyond its ops: `{"ops":[` … `]}` and the commas between them. */
export const pushBodyBytes = (opBytes: readonly number[]): number => {
  let total = 10 + Math.max(0, opBytes.length - 1);
  for (const bytes of opBytes) total += bytes;
  return total;
};
