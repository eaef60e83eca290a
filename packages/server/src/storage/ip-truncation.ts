import { isIPv4, isIPv6 } from 'node:net';

/**
 * Client addresses are kept only as far as a security log needs them (which network a sign-in came
 * from), never whole: IPv4 to its /24 (the last octet zeroed), IPv6 to its /48 (the site prefix), an
 * IPv4-mapped IPv6 address as the IPv4 address it maps. Anything else is not kept at all.
 */
export function truncateIp(ip: string | null): string | null {
  if (ip === null) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = mapped ? (mapped[1] as string) : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0`;
  if (!isIPv6(ip)) return null;
  return `${expandIPv6(ip).slice(0, 3).join(':')}::`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros ("::" and a zone id undone). */
function expandIPv6(ip: string): string[] {
  const address = ip.split('%')[0] as string;
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16).toString(16),
  );
}
