import { startServer } from '@kakeibo/server';
import { parse, SERVE_FLAGS, serveOptions } from '../args.js';

export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parse(argv, SERVE_FLAGS);
  const server = await startServer(serveOptions(values, env));
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
