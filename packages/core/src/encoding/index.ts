export * from './base64.js';
export * from './key-bytes.js';
