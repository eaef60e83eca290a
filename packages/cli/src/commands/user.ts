import { EmailSchema } from '@kakeibo/core';
import { MemoryNotifier, openConfiguredStorage, RedisShared, setUserDisabled } from '@kakeibo/server';
import { parse, STORAGE_FLAGS, serveOptions } from '../args.js';
import { CliError } from '../errors.js';

const USAGE = 'usage: kakeibo user list | kakeibo user disable EMAIL | kakeibo user enable EMAIL';

/** Administration against the server's storage (the server may be running: changes apply at once). */
export async function user(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values, positionals } = parse(argv, STORAGE_FLAGS);
  const [action, email, ...extra] = positionals;
  if (!action || extra.length) throw new CliError(USAGE, 2);
  if (action !== 'list' && action !== 'disable' && action !== 'enable') throw new CliError(USAGE, 2);
  if (action !== 'list' && !email) throw new CliError(`missing EMAIL (${USAGE})`, 2);
  const { storage } = await openConfiguredStorage(serveOptions(values, env), () => {});
  try {
    if (action === 'list') {
      const users = await storage.listUsers();
      for (const u of users) {
        console.log(`${u.email}\t${u.disabledAt ? 'disabled' : 'active'}\tcreated ${u.createdAt}`);
      }
      if (!users.length) console.error('no users');
      return;
    }
    const parsed = EmailSchema.safeParse(email);
    if (!parsed.success) throw new CliError(`not an email address: ${email}`);
    // With Redis, running instances hear of it at once and close the account's sockets; without it,
    // every request re-checks the device anyway and sockets close at their next heartbeat.
    const options = serveOptions(values, env);
    const redis = options.redisUrl ? await RedisShared.connect(options.redisUrl, options.redisPrefix) : null;
    try {
      await setUserDisabled(
        { storage, now: Date.now, notifier: redis ?? new MemoryNotifier() },
        parsed.data,
        action === 'disable',
      );
    } finally {
      await redis?.close();
    }
    console.log(`${parsed.data} ${action === 'disable' ? 'disabled; every session ended' : 'enabled'}`);
  } finally {
    await storage.close();
  }
}
