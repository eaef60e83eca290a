import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KakeiboError } from '@kakeibo/core';
import type { Destination } from './destinations/types.js';
import {
  FORMAT,
  FORMAT_VERSION,
  type Manifest,
  ManifestEnvelopeSchema,
  ManifestSchema,
  manifestName,
} from './format.js';
import type { BackupKeys } from './keys.js';

/**
 * Manifests: sealed with AES-256-GCM under a key of their own (salted, derived from the backup
 * key), the envelope's clear fields bound as associated data. The clear key id tells a manifest
 * written under another master key ("wrong key") from one that was changed ("tampered").
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

const broken = (name: string, problem: string, code = 'backup.broken_manifest') =>
  new KakeiboError(code, `manifest ${name} ${problem}`, { manifest: name });

const envelopeAad = (e: { backupId: string; keyId: string; salt: string }) =>
  Buffer.from(`${FORMAT}/${FORMAT_VERSION}/${e.backupId}/${e.keyId}/${e.salt}`, 'utf8');

export function sealManifest(keys: BackupKeys, manifest: Manifest): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(IV_BYTES);
  const head = { backupId: manifest.backupId, keyId: keys.keyId, salt: salt.toString('base64') };
  const cipher = createCipheriv('aes-256-gcm', keys.manifestKey(salt), iv);
  cipher.setAAD(envelopeAad(head));
  const body = Buffer.concat([
    cipher.update(JSON.stringify(manifest), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const envelope = {
    format: FORMAT,
    version: FORMAT_VERSION,
    ...head,
    sealed: Buffer.concat([iv, body]).toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(envelope)}\n`, 'utf8');
}

export function openManifest(keys: BackupKeys, name: string, bytes: Buffer): Manifest {
  let envelope: ReturnType<typeof ManifestEnvelopeSchema.parse>;
  try {
    envelope = ManifestEnvelopeSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    throw broken(name, 'is tampered (not a readable manifest)');
  }
  if (envelope.keyId !== keys.keyId)
    throw broken(
      name,
      'was written under another master key (wrong key): give the key of the server that made the backup',
      'backup.wrong_key',
    );
  const sealed = Buffer.from(envelope.sealed, 'base64');
  let text: string;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keys.manifestKey(Buffer.from(envelope.salt, 'base64')),
      sealed.subarray(0, IV_BYTES),
    );
    decipher.setAAD(envelopeAad(envelope));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    text = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw broken(name, 'is tampered (it does not authenticate)');
  }
  const manifest = ManifestSchema.safeParse(JSON.parse(text));
  if (!manifest.success || manifest.data.backupId !== envelope.backupId)
    throw broken(name, 'is not a manifest of this format version');
  return manifest.data;
}

/** Stores the manifest under its name; the destination makes it appear whole. */
export async function writeManifest(
  destination: Destination,
  keys: BackupKeys,
  manifest: Manifest,
): Promise<string> {
  const name = manifestName(manifest.takenAt, manifest.backupId);
  const bytes = sealManifest(keys, manifest);
  const dir = await mkdtemp(join(tmpdir(), 'kakeibo-manifest-'));
  try {
    const file = join(dir, 'manifest');
    await writeFile(file, bytes, { mode: 0o600 });
    await destination.put(name, file, bytes.length, createHash('sha256').update(bytes).digest('hex'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return name;
}

/** Every backup at the destination, oldest first; one manifest that does not open fails the whole read. */
export async function readManifests(destination: Destination, keys: BackupKeys): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  for (const { name } of await destination.list('manifests/')) {
    if (!name.endsWith('.kbm')) continue;
    const body = await destination.get(name);
    if (!body) continue; // deleted while listing
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    manifests.push(openManifest(keys, name, Buffer.concat(chunks)));
  }
  return manifests.sort((a, b) =>
    a.takenAt === b.takenAt ? (a.finishedAt < b.finishedAt ? -1 : 1) : a.takenAt < b.takenAt ? -1 : 1,
  );
}

/** The backups a restore of `target` reads, from its full backup to it. */
export function chainOf(target: Manifest, all: readonly Manifest[]): Manifest[] {
  const byId = new Map(all.map((m) => [m.backupId, m]));
  const chain = [target];
  for (let at = target; at.parent !== null; ) {
    const parent = byId.get(at.parent);
    if (!parent)
      throw new KakeiboError(
        'backup.broken_chain',
        `backup ${at.backupId} continues backup ${at.parent}, whose manifest is missing`,
        { backupId: at.backupId },
      );
    chain.unshift(parent);
    at = parent;
  }
  return chain;
}
