import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KakeiboError } from '@kakeibo/core';

/** Reads a certificate and key given by path. */
export function loadTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (error) {
    throw new KakeiboError(
      'config.tls',
      `Cannot read the TLS certificate or key: ${(error as Error).message}`,
    );
  }
}

/**
 * A self-signed certificate for localhost, for trying TLS locally. Made once with the system's openssl
 * and kept under the data directory (key mode 0600), so restarts present the same certificate.
 */
export function selfSignedTls(dataDir: string): { cert: Buffer; key: Buffer } {
  const dir = join(dataDir, 'tls');
  const cert = join(dir, 'self-signed.crt');
  const key = join(dir, 'self-signed.key');
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '365',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { stdio: 'pipe' },
      );
    } catch (error) {
      throw new KakeiboError(
        'config.tls',
        `Could not create a self-signed certificate with openssl (${(error as Error).message.split('\n')[0]}); give --tls-cert and --tls-key instead.`,
      );
    }
  }
  return loadTls(cert, key);
}
