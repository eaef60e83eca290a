import { z } from 'zod';

/**
 * `webdav+https://host/path/` (or `webdav+http://` on a trusted network): the folder on a WebDAV
 * server. Credentials from the URL's user info or from options/environment (Basic auth).
 */
export const WebdavConfigSchema = z.strictObject({
  /** The folder's http(s) URL, ending in '/', without credentials. */
  url: z.url({ protocol: /^https?$/ }),
  username: z.string().optional(),
  password: z.string().optional(),
});
export type WebdavConfig = z.infer<typeof WebdavConfigSchema>;

export interface WebdavOptions {
  username?: string | undefined;
  password?: string | undefined;
}

export function webdavConfig(target: string, options: WebdavOptions) {
  const url = new URL(target.replace(/^webdav\+/, ''));
  const username = url.username ? decodeURIComponent(url.username) : options.username;
  const password = url.password ? decodeURIComponent(url.password) : options.password;
  url.username = '';
  url.password = '';
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return WebdavConfigSchema.safeParse({
    url: url.toString(),
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
  });
}
