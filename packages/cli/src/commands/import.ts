import { readFileSync } from 'node:fs';
import {
  ImportArgsSchema,
  type ImportPreview,
  parseImport,
  type StatementCheck,
  summarisePreview,
  toDecimalString,
} from '@kakeibo/core';
import { parse } from '../args.js';
import { CliError } from '../errors.js';

const USAGE =
  'usage: kakeibo import FILE --dry-run [--json] [--format csv|qif|ofx|camt] [--currency EUR] [--encoding E] ' +
  '[--date-format DD.MM.YYYY] [--decimal ,] [--delimiter ;] [--header yes|no] [--columns date=0,amount=3,payee=2]';

const FLAGS = {
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  currency: { type: 'string' },
  encoding: { type: 'string' },
  'date-format': { type: 'string' },
  decimal: { type: 'string' },
  delimiter: { type: 'string' },
  header: { type: 'string' },
  columns: { type: 'string' },
} as const;

const FLAG_OF: Record<string, string> = { dateFormat: 'date-format' };

function readFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`cannot read ${path}: ${why}`);
  }
}

const money = (amount: number, currency: string) => `${toDecimalString(amount, currency)} ${currency}`;

function describeCheck(check: StatementCheck, preview: ImportPreview): string {
  const c = check.currency;
  const head = `statement ${check.statement + 1}${check.account ? ` (account ${check.account})` : ''}: ${check.count} transaction${check.count === 1 ? '' : 's'}, sum ${money(check.sum, c)}`;
  const closing = preview.balances.find(
    (b) => b.statement === check.statement && b.kind === 'closing' && b.currency === c,
  );
  if (check.matches === true)
    return `${head}; opening ${money(check.opening ?? 0, c)} + transactions = closing ${money(check.closing ?? 0, c)}: matches`;
  if (check.matches === false) {
    const off = (check.closing ?? 0) - (check.expectedClosing ?? 0);
    return `${head}; opening ${money(check.opening ?? 0, c)} + transactions = ${money(check.expectedClosing ?? 0, c)}, but the closing balance is ${money(check.closing ?? 0, c)} (differs by ${money(off, c)})`;
  }
  if (closing)
    return `${head}; closing balance ${money(closing.amount, c)}${closing.date ? ` on ${closing.date}` : ''} (no opening balance to check it against)`;
  return `${head}; the file states no balances`;
}

function printSummary(file: string, preview: ImportPreview): void {
  const summary = summarisePreview(preview);
  const lines = [`${file}: ${preview.variant}, ${preview.encoding}`];
  lines.push(
    summary.count === 0
      ? 'no transactions'
      : `${summary.count} transaction${summary.count === 1 ? '' : 's'}, ${summary.from} to ${summary.to}`,
  );
  for (const s of summary.sums) lines.push(`sum: ${money(s.amount, s.currency)}`);
  for (const check of summary.statements) lines.push(describeCheck(check, preview));
  if (preview.mapping) {
    const m = preview.mapping;
    const columns = Object.entries(m.columns).map(([role, i]) => `${role}=${i} "${m.titles[i] ?? ''}"`);
    lines.push(
      `columns (${m.confidence} confidence): ${columns.join(', ')}; decimal "${m.decimal}", dates ${m.dateOrder.toUpperCase()}`,
    );
  }
  if (preview.warnings.length) {
    lines.push(`warnings (${preview.warnings.length}):`);
    for (const w of preview.warnings)
      lines.push(`  ${w.line === null ? '' : `line ${w.line}: `}${w.message}`);
  }
  console.log(lines.join('\n'));
}

/** `kakeibo import FILE --dry-run [--json]`: a bank file's preview, with no server and no profile. */
export async function importFile(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, FLAGS);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new CliError(USAGE, 2);
  if (values['dry-run'] !== true) {
    throw new CliError(
      'only `kakeibo import FILE --dry-run` is available yet (importing into an account comes later)',
      2,
    );
  }
  const args = ImportArgsSchema.safeParse({
    format: values.format,
    currency: values.currency,
    encoding: values.encoding,
    dateFormat: values['date-format'],
    decimal: values.decimal,
    delimiter: values.delimiter,
    header: values.header,
    columns: values.columns,
  });
  if (!args.success) {
    const issue = args.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    throw new CliError(`invalid --${FLAG_OF[key] ?? key}: ${issue?.message ?? 'invalid'}`, 2);
  }
  const preview = parseImport(readFile(file), args.data);
  if (values.json === true) process.stdout.write(`${JSON.stringify(preview, null, 2)}\n`);
  else printSummary(file, preview);
}
