import type { FormatReader } from '../types.js';
import { detectCamt } from './detect.js';
import { parseCamt } from './parse.js';

export const camtReader: FormatReader = { format: 'camt', detect: detectCamt, parse: parseCamt };
