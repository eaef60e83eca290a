import type { FormatReader } from '../types.js';
import { detectOfx } from './detect.js';
import { parseOfx } from './parse.js';

export const ofxReader: FormatReader = { format: 'ofx', detect: detectOfx, parse: parseOfx };
