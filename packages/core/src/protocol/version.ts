/**
 * The sync protocol's version, sent by devices on every API request and by the server on every
 * answer (header `kakeibo-protocol`). It changes only when a message changes in a way an older peer
 * would misread (a field's meaning or form, as when snapshot rows became packed text); additions
 * that older peers ignore keep it. A server refuses a request of a version it does not speak with
 * `protocol.unsupported` (naming the versions it speaks), so an outdated app says "update me"
 * instead of misreading pages; a request without the header (curl, scripts) is taken as current.
 *
 * 2: packed rows are one flat list, and the field hash of the checksum hashes the stamp before the
 * field (docs/PROTOCOL.md §5, §6). A version-1 peer would refuse every row and see every bucket differ.
 */
/* 3: the tables `accounts`, `transfers` and `recurring`, and `accountId` on expenses and income (PROTOCOL.md §1).
 * A version-2 device would refuse every op of the new tables it pulls, and its balances would be wrong.
 */
/* 4: `splits` on expenses (PROTOCOL.md §1). A version-3 device would refuse every op that writes it,
 * and count a split entry's whole amount under one category.
 */
export const PROTOCOL_VERSION = 4;
export const PROTOCOL_HEADER = 'kakeibo-protocol';
/** The versions this code speaks (a server may keep an older one for a while after a change). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [PROTOCOL_VERSION];
