export * from './arithmetic.js';
export * from './convert.js';
export * from './currencies.js';
export { fromDecimalString, toDecimalString } from './decimal.js';
export * from './format.js';
export * from './money.js';
export * from './parse.js';
