import { isKakeiboError } from '@kakeibo/core';
import { backup } from './commands/backup.js';
import { importFile } from './commands/import.js';
import { serve } from './commands/serve.js';
import { user } from './commands/user.js';
import { CliError } from './errors.js';

const HELP = `kakeibo: the Kakeibo sync server and its administration

  kakeibo serve [--port 8080] [--host 127.0.0.1] [--data ./data] [--key-file F]
                [--tls-cert F --tls-key F | --tls-self-signed] [--trust-proxy true|ADDR]
                [--web-dir DIR]   (the built web app; default: the bundled apps/web/dist)
  kakeibo user list [--data DIR]
  kakeibo user disable EMAIL [--data DIR]     (ends every session of the account at once)
  kakeibo user enable EMAIL [--data DIR]
  kakeibo import FILE --dry-run [--json]      (a bank file's preview: CSV, QIF, OFX/QFX, CAMT.053;
                [--format F] [--currency EUR]  no server, no profile; --json prints the preview)
                [--encoding E] [--date-format DD.MM.YYYY] [--decimal ,] [--delimiter ;]
                [--header yes|no] [--columns date=0,amount=3,payee=2]
  kakeibo backup run --to DEST [--full] [--data DIR]   (online; incremental after the first)
  kakeibo backup list --from DEST [--json]
  kakeibo backup verify --from DEST [--backup ID]    (a trial restore into a scratch database)
  kakeibo backup restore --from DEST (--data NEWDIR | --database-url URL) [--at TIME | --backup ID]
      DEST: a folder, s3://bucket/prefix (--s3-endpoint, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)
            or webdav+https://host/path (KAKEIBO_WEBDAV_USER, KAKEIBO_WEBDAV_PASSWORD)

environment: KAKEIBO_DATABASE_URL (postgres://…; default: SQLite under --data),
             KAKEIBO_MASTER_KEY (base64 of 32 bytes; default: a generated key file), KAKEIBO_PORT,
             KAKEIBO_HOST, KAKEIBO_DATA_DIR, KAKEIBO_KEY_FILE, KAKEIBO_TLS_CERT, KAKEIBO_TLS_KEY,
             KAKEIBO_LOG_LEVEL, KAKEIBO_WEB_DIR`;

const COMMANDS: Record<string, (argv: string[], env: NodeJS.ProcessEnv) => Promise<void>> = {
  serve,
  user,
  import: (argv) => importFile(argv),
  backup,
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new CliError(`unknown command "${command}" (try: kakeibo help)`, 2);
  await run(rest, process.env);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof CliError || isKakeiboError(error)
      ? error.message
      : `unexpected error: ${(error as Error)?.message}`;
  console.error(`kakeibo: ${message}`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
});
