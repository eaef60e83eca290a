export * from './auth.js';
export * from './entities.js';
export * from './limits.js';
export * from './messages.js';
export * from './realtime.js';
export * from './replies.js';
export * from './rows.js';
export * from './version.js';
