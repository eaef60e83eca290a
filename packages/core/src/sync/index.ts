export * from './build.js';
export * from './canonical.js';
export * from './checksum.js';
export * from './hash64.js';
export * from './merge.js';
export * from './op.js';
export * from './replica.js';
export * from './tables.js';
