import { apiFuzzSuite } from './api-fuzz.suite.js';

apiFuzzSuite('sqlite');
