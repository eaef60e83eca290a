import {
  type ChangePasswordRequest,
  type DeviceRegistration,
  KakeiboError,
  type Session,
  type SignInRequest,
  type SignUpRequest,
  uuidv7,
} from '@kakeibo/core';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../accounts/password-hash.js';
import { checkPasswordPolicy } from '../accounts/password-policy.js';
import type { UserRecord } from '../storage/types.js';
import type { AuthContext } from './auth-context.js';
import type { ServerDeps } from './context.js';
import { announceRevoked } from './devices.js';
import { issueSession, prepareSession } from './sessions.js';

/** One answer for an unknown email and a wrong password: same status, same body, similar time. */
const invalidCredentials = () =>
  new KakeiboError('auth.invalid_credentials', 'The email or password is incorrect.');

const iso = (ms: number) => new Date(ms).toISOString();

export async function signUp(deps: ServerDeps, request: SignUpRequest, ip: string): Promise<Session> {
  checkPasswordPolicy(request.password, { email: request.email });
  await deps.throttle.signup(ip);
  const passwordHash = await hashPassword(request.password);
  const user = { id: uuidv7(), email: request.email, passwordHash, ledgerId: uuidv7() };
  const auth = { userId: user.id, ledgerId: user.ledgerId, deviceId: request.device.id };
  const { session, refreshToken } = prepareSession(deps, auth);
  // The account, its first device and that device's session: one transaction, all or nothing.
  await deps.storage.createAccount({ user, device: deviceRecord(user, request.device), refreshToken });
  await deps.storage.recordAudit({ ...auditIds(auth), kind: 'auth.signup', ip, detail: {} });
  return session;
}

export async function signIn(deps: ServerDeps, request: SignInRequest, ip: string): Promise<Session> {
  const attempt = await deps.throttle.signIn(request.email, ip);
  const user = await deps.storage.findUserByEmail(request.email);
  const ok = user
    ? await verifyPassword(user.passwordHash, request.password)
    : await verifyAgainstDummy(request.password);
  if (!user || !ok) {
    // The same work whether the account exists or not (one audit row: an unknown email's has no
    // ids and keeps no trace of the address), so neither the answer nor its time tells them apart.
    await deps.storage.recordAudit({
      ledgerId: user?.ledgerId ?? null,
      userId: user?.id ?? null,
      deviceId: null,
      kind: 'auth.signin_failed',
      ip,
      detail: {},
    });
    throw invalidCredentials();
  }
  if (user.disabledAt) {
    throw new KakeiboError(
      'auth.account_disabled',
      'This account has been disabled by the server administrator.',
    );
  }
  await attempt.succeeded();
  if (needsRehash(user.passwordHash)) {
    await deps.storage.updatePasswordHash(user.id, await hashPassword(request.password));
  }
  const auth = await registerDevice(deps, user, request.device);
  await deps.storage.recordAudit({ ...auditIds(auth), kind: 'auth.signin', ip, detail: {} });
  return issueSession(deps, auth);
}

/**
 * Registers (or re-registers) the device with its public key. A device id is the device's own random
 * 64-bit name inside the ledger; another device may not take over an active id with a different key.
 */
async function registerDevice(
  deps: ServerDeps,
  user: UserRecord,
  device: DeviceRegistration,
): Promise<AuthContext> {
  const existing = await deps.storage.findDevice(user.ledgerId, device.id);
  const publicKeyJwk = JSON.stringify(device.publicKey);
  if (existing && !existing.revokedAt && existing.publicKeyJwk !== publicKeyJwk) {
    throw new KakeiboError(
      'device.id_taken',
      'Another active device of this account uses the same device id: generate a new device id and try again.',
    );
  }
  await deps.storage.upsertDevice(deviceRecord(user, device));
  return { userId: user.id, ledgerId: user.ledgerId, deviceId: device.id };
}

/** The device as stored: its registration, in the ledger of `user`. */
function deviceRecord(user: { id: string; ledgerId: string }, device: DeviceRegistration) {
  return {
    ledgerId: user.ledgerId,
    id: device.id,
    userId: user.id,
    name: device.name,
    platform: device.platform,
    publicKeyJwk: JSON.stringify(device.publicKey),
    alg: device.publicKey.kty === 'EC' ? 'ecdsa-p256-sha256' : 'ed25519',
  };
}

/** Ends this device's session: the device is revoked with its refresh tokens; its data stays in the ledger. */
export async function signOut(deps: ServerDeps, auth: AuthContext, ip: string): Promise<void> {
  await deps.storage.revokeDevices(auth.ledgerId, [auth.deviceId], iso(deps.now()));
  await announceRevoked(deps, auth.ledgerId, [auth.deviceId], 'auth.signed_out');
  await deps.storage.recordAudit({ ...auditIds(auth), kind: 'auth.signout', ip, detail: {} });
}

export async function changePassword(
  deps: ServerDeps,
  auth: AuthContext,
  request: Required<ChangePasswordRequest>,
  ip: string,
): Promise<{ endedDevices: string[] }> {
  const user = await requireUser(deps, auth);
  const attempt = await deps.throttle.reauthenticate(user.id);
  if (!(await verifyPassword(user.passwordHash, request.currentPassword))) {
    throw new KakeiboError('auth.invalid_credentials', 'The current password is incorrect.');
  }
  await attempt.succeeded();
  checkPasswordPolicy(request.newPassword, { email: user.email });
  await deps.storage.updatePasswordHash(user.id, await hashPassword(request.newPassword));
  let endedDevices: string[] = [];
  if (request.endOtherSessions) {
    const others = (await deps.storage.listDevices(auth.ledgerId))
      .filter((d) => !d.revokedAt && d.id !== auth.deviceId)
      .map((d) => d.id);
    endedDevices = await deps.storage.revokeDevices(auth.ledgerId, others, iso(deps.now()));
    await announceRevoked(deps, auth.ledgerId, endedDevices, 'auth.session_revoked');
  }
  await deps.storage.recordAudit({
    ...auditIds(auth),
    kind: 'auth.password_changed',
    ip,
    detail: { endedDevices: endedDevices.length },
  });
  return { endedDevices };
}

/** Deletes the account and every row of its ledger. Asks for the password again: it cannot be undone. */
export async function deleteAccount(deps: ServerDeps, auth: AuthContext, password: string): Promise<void> {
  const user = await requireUser(deps, auth);
  const attempt = await deps.throttle.reauthenticate(user.id);
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new KakeiboError('auth.invalid_credentials', 'The password is incorrect.');
  }
  await attempt.succeeded();
  const devices = (await deps.storage.listDevices(user.ledgerId)).map((d) => d.id);
  await deps.storage.deleteUser(user.id);
  await announceRevoked(deps, user.ledgerId, devices, 'auth.account_deleted');
}

/** Administration (CLI): disabling ends every session of the account at once. */
export async function setUserDisabled(
  deps: Pick<ServerDeps, 'storage' | 'now' | 'notifier'>,
  email: string,
  disabled: boolean,
): Promise<UserRecord> {
  const user = await deps.storage.findUserByEmail(email.trim().toLowerCase());
  if (!user) throw new KakeiboError('not_found', `No user with the email ${email}.`);
  await deps.storage.setUserDisabled(user.id, disabled);
  if (disabled) {
    const now = iso(deps.now());
    const active = (await deps.storage.listDevices(user.ledgerId))
      .filter((d) => !d.revokedAt)
      .map((d) => d.id);
    await deps.storage.revokeDevices(user.ledgerId, active, now);
    await deps.storage.revokeUserRefreshTokens(user.id, now);
    await announceRevoked(deps, user.ledgerId, active, 'auth.account_disabled');
  }
  await deps.storage.recordAudit({
    ledgerId: user.ledgerId,
    userId: user.id,
    deviceId: null,
    kind: disabled ? 'user.disabled' : 'user.enabled',
    ip: null,
    detail: {},
  });
  return { ...user, disabledAt: disabled ? iso(deps.now()) : null };
}

async function requireUser(deps: ServerDeps, auth: AuthContext): Promise<UserRecord> {
  const user = await deps.storage.findUserById(auth.userId);
  if (!user) throw new KakeiboError('auth.invalid_token', 'This account no longer exists.');
  return user;
}

const auditIds = (auth: AuthContext) => ({
  ledgerId: auth.ledgerId,
  userId: auth.userId,
  deviceId: auth.deviceId,
});
