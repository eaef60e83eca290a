export * from './base64.js';
export * from './json.js';
export * from './key-bytes.js';
export * from './utf8.js';
