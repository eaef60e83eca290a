import { apiAuthSuite, apiThrottleSuite } from './api-auth.suite.js';

apiAuthSuite('postgres');
apiThrottleSuite('postgres');
