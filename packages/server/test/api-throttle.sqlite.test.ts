import { apiThrottleSuite } from './api-throttle.suite.js';

apiThrottleSuite('sqlite', 'in-process');
