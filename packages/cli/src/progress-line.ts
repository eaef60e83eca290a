import type { Progress } from '@kakeibo/server';

/**
 * Progress of a long backup or restore on stderr: one line redrawn in place on a terminal (phase,
 * items, bytes, an estimate of the time left), plain lines otherwise (each phase, then every
 * tenth of it), so logs stay readable.
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let phase = '';
  let total: number | undefined;
  let started = Date.now();
  let lastTenth = -1;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return {
    phase(name, count) {
      if (tty && phase) stream.write('\n');
      phase = name;
      total = count;
      started = Date.now();
      lastTenth = -1;
      if (!tty) stream.write(`kakeibo: ${name}${count === undefined ? '' : ` (${count})`}\n`);
    },
    advance(done, bytes) {
      const share = total ? done / total : undefined;
      if (tty) {
        const eta =
          share && share > 0 && share < 1
            ? `, about ${Math.ceil(((Date.now() - started) / share - (Date.now() - started)) / 1000)} s left`
            : '';
        const width = 24;
        const bar =
          share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] `;
        stream.write(
          `\r\u001b[K${phase}: ${bar}${done}${total ? `/${total}` : ''}${bytes ? `, ${mib(bytes)}` : ''}${eta}`,
        );
        return;
      }
      const tenth = share === undefined ? -1 : Math.floor(share * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(
          `kakeibo: ${phase} ${done}${total ? `/${total}` : ''}${bytes ? `, ${mib(bytes)}` : ''}\n`,
        );
      }
    },
  };
}

/** Ends a redrawn line before the command's own output. */
export function endProgress(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write('\n');
}
