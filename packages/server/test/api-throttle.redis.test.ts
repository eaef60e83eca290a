import { apiThrottleSuite } from './api-throttle.suite.js';

apiThrottleSuite('postgres', 'redis');
