import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startServer } from '@kakeibo/server';
import { parse, SERVE_FLAGS, serveOptions } from '../args.js';

/** The web app built beside this install (apps/web/dist), if it has been built. */
function bundledWebDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@kakeibo/web/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parse(argv, SERVE_FLAGS);
  const options = serveOptions(values, env);
  const webDir = options.webDir ?? bundledWebDir();
  if (!webDir) console.error('kakeibo: the web app is not built (npm run build): serving the API only');
  const server = await startServer({ ...options, ...(webDir && { webDir }) });
  console.error(`kakeibo: serving on ${server.url} (storage: ${server.storage.kind})`);
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.error(`kakeibo: ${signal}, shutting down`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
