export * from './local-store.js';
export * from './meta-keys.js';
export * from './migrations.js';
export * from './sealer.js';
export * from './types.js';
