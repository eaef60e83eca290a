import type { FormatReader } from '../types.js';
import { detectQif } from './detect.js';
import { parseQif } from './parse.js';

export const qifReader: FormatReader = { format: 'qif', detect: detectQif, parse: parseQif };
