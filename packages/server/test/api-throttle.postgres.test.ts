import { apiThrottleSuite } from './api-throttle.suite.js';

apiThrottleSuite('postgres', 'in-process');
