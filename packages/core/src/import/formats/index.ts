import { camtReader } from './camt/index.js';
import { csvReader } from './csv/index.js';
import { ofxReader } from './ofx/index.js';
import { qifReader } from './qif/index.js';
import type { FormatReader } from './types.js';

/** Every format we read. CSV last: it is what a text file is when nothing else claims it. */
export const FORMAT_READERS: readonly FormatReader[] = [ofxReader, camtReader, qifReader, csvReader];

export type { FormatReader } from './types.js';
