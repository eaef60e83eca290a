import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { type Destination, PARTIAL_MARK, sortByName } from '../types.js';
import type { LocalConfig } from './config.js';

/** A folder on this machine (or a mounted one): copy to a temporary name, fsync, rename into place. */
export function localDestination(config: LocalConfig): Destination {
  const path = (name: string) => join(config.root, ...name.split('/'));
  return {
    location: config.root,
    async put(name, file) {
      const target = path(name);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const temp = `${target}${PARTIAL_MARK}${randomBytes(6).toString('hex')}`;
      await copyFile(file, temp);
      await fsync(temp);
      await rename(temp, target);
      await fsync(dirname(target));
    },
    async get(name): Promise<Readable | null> {
      try {
        await stat(path(name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return createReadStream(path(name));
    },
    async list(prefix) {
      const folder = prefix.replace(/\/$/, '');
      let names: string[];
      try {
        names = await readdir(path(folder));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const found: Array<{ name: string; bytes: number }> = [];
      for (const entry of names) {
        if (entry.includes(PARTIAL_MARK)) continue;
        const info = await stat(path(`${folder}/${entry}`));
        if (info.isFile()) found.push({ name: `${folder}/${entry}`, bytes: info.size });
      }
      return sortByName(found);
    },
    async delete(name) {
      await unlink(path(name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}

/** Makes a file's (or a directory's new entry's) bytes durable before anything points at them. */
async function fsync(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
