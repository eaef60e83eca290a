import { apiHardeningSuite } from './api-hardening.suite.js';

apiHardeningSuite('sqlite');
