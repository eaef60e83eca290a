export * from './hlc.js';
export * from './stamp.js';
