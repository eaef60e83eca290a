export { type AppOptions, buildApp, SERVER_VERSION } from './app.js';
export * from './backup/index.js';
export { deriveSubkey, loadMasterKey } from './crypto/master-key.js';
export {
  type ConfiguredStorageOptions,
  configuredMasterKey,
  openConfiguredStorage,
  type RunningServer,
  startServer,
} from './server.js';
export { setUserDisabled } from './services/accounts.js';
export { MemoryNotifier, type Notifier, type ServerEvent } from './shared/events.js';
export { RedisShared } from './shared/redis.js';
export * from './storage/index.js';
