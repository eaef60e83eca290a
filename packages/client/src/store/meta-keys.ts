/**
 * Every key of the local store's `meta` table, in one place: who writes each is named beside it.
 * A key is part of the on-disk format (a store written by an earlier version is read by these
 * names), so a released key is never renamed.
 */
export const META_KEYS = Object.freeze({
  /** This device's id (16 hex), the device part of every stamp it makes (device identity). */
  deviceId: 'device.id',
  /** The device key pair as JWKs, where no key vault holds it (Node; device identity). */
  deviceKey: 'device.key',
  /** The hybrid clock's state, kept with the ops it stamped (facade, collections' writes). */
  clock: 'clock.state',
  /** The session (access and refresh tokens), rotated by the transport. */
  session: 'auth.session',
  /** The account this device's data belongs to, and its email (facade, sign-in). */
  userId: 'auth.user_id',
  email: 'auth.email',
  /** The last pulled log position, stored with each page (store) and read by the sync engine. */
  cursor: 'sync.cursor',
  /** The seq of the last conflict caught up on (sync engine). */
  conflictCursor: 'sync.conflict_cursor',
  /** When the last full round ended (sync engine). */
  lastSyncedAt: 'sync.last_synced_at',
  /** Present when the store's values are sealed; its sealed value proves the key (store sealing). */
  sealed: 'store.sealed',
  /** Which CHECKSUM_VERSION the checksum buckets follow; absent means 1 (store checksums). */
  checksumVersion: 'checksum.version',
});
