export * from './local-store.js';
export * from './migrations.js';
export * from './node-driver.js';
export * from './sealer.js';
export * from './types.js';
