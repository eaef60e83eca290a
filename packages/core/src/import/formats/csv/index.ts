import type { FormatReader } from '../types.js';
import { detectCsv } from './detect.js';
import { parseCsv } from './parse.js';

export const csvReader: FormatReader = { format: 'csv', detect: detectCsv, parse: parseCsv };
