import { readFileSync } from 'node:fs';

/** Linux counts thread CPU time in clock ticks of 1/100 s (USER_HZ, the same on every architecture). */
const USER_HZ = 100;

/**
 * CPU time (user + system) the calling thread has used so far, in seconds, from Linux's
 * /proc/thread-self/stat; undefined where there is no such file. Unlike wall time it does not grow
 * while the thread waits or while another process has the core, so on a shared machine it shows what
 * a change saved even when the wall time of one run is noise. Resolution: 10 ms.
 */
export function threadCpuSeconds(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // The thread's name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is the first of these; utime and stime are fields 14 and 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : undefined;
}
