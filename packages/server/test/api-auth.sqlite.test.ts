import { apiAuthSuite, apiThrottleSuite } from './api-auth.suite.js';

apiAuthSuite('sqlite');
apiThrottleSuite('sqlite');
