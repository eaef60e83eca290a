import { apiSyncSuite } from './api-sync.suite.js';

apiSyncSuite('postgres');
