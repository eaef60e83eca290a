/**
 * The client's test support, one entry: core's shared pieces (example rows, the op-writing device)
 * beside the client's own (stores in both modes, driver interceptors, a real server process).
 */
export {
  exampleExpense,
  exampleIncome,
  exampleInventoryItem,
  firstPackedForm,
  OpWriter,
} from '../../../core/test/support/index.js';
export * from './server.js';
export * from './store.js';
