export * from './clock/index.js';
export * from './errors.js';
export * from './ids.js';
export * from './money/index.js';
export * from './protocol/index.js';
export * from './schemas/index.js';
export * from './schemas/primitives.js';
export * from './sync/index.js';
