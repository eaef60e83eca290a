export { CliError } from './errors.js';
export { KAKEIBO_BIN, type ServeProcess, startServeProcess } from './serve-process.js';
