/**
 * The server's test support, one entry: core's shared pieces (example rows, the op-writing device)
 * beside the server's own (a signed HTTP device, real servers over fresh storage, storage builders,
 * fresh PostgreSQL databases).
 */
export {
  exampleCategory,
  exampleExpense,
  exampleIncome,
  firstPackedForm,
  OpWriter,
} from '../../../core/test/support/index.js';
export * from './backup-servers.js';
export * from './device.js';
export * from './pg.js';
export * from './server.js';
export * from './storage.js';
