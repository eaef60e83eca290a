export * from './occurrences.js';
