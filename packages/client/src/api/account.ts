import { DevicePublicKeySchema, isKakeiboError, KakeiboError, ROUTES } from '@kakeibo/core';
import type { DeviceIdentity } from '../identity/device-identity.js';
import type { SessionHolder } from '../identity/session.js';
import { META_KEYS } from '../store/meta-keys.js';
import type { FacadeStore } from '../store/types.js';
import type { SyncScheduler } from '../sync/scheduler.js';
import type { SyncStatusMachine } from '../sync/status.js';
import { type ApiClient, IGNORE_REPLY, isSessionEnded } from '../transport/api-client.js';

export interface AccountDeps {
  api: ApiClient;
  store: FacadeStore;
  session: SessionHolder;
  identity: DeviceIdentity;
  device: { name: string; platform: string };
  status: SyncStatusMachine;
  scheduler: SyncScheduler;
}

export interface Credentials {
  email: string;
  password: string;
}

/** `kb.auth`: sign up, sign in and out, and the account's devices (sessions) on the server. */
export function accountApi(deps: AccountDeps) {
  return {
    signUp: (credentials: Credentials) => authenticate(deps, 'signUp', credentials),
    signIn: (credentials: Credentials) => authenticate(deps, 'signIn', credentials),
    signOut: () => signOut(deps),
    /** The devices (sessions) of this account, from the server. */
    devices: async () => (await deps.api.call(ROUTES.listDevices)).devices,
    revokeDevices: (request: { deviceIds: string[] } | { allButCurrent: true }) =>
      deps.api.call(ROUTES.revokeDevices, { body: request }),
  };
}

async function authenticate(deps: AccountDeps, kind: 'signUp' | 'signIn', credentials: Credentials) {
  const { deviceId, keys } = deps.identity;
  // The key in the form the server registers it: checked here, so a malformed one never leaves.
  const publicKey = DevicePublicKeySchema.parse(keys.publicKeyJwk);
  const body = { ...credentials, device: { id: deviceId, ...deps.device, publicKey } };
  const session = await deps.api.call(ROUTES[kind], { body });
  const previous = await deps.store.getMeta(META_KEYS.userId);
  if (previous && previous !== session.userId) {
    throw new KakeiboError(
      'auth.other_account',
      'This device holds another account’s data: open a separate data directory for this account.',
    );
  }
  await deps.session.save(session);
  await deps.store.setMeta(META_KEYS.userId, session.userId);
  await deps.store.setMeta(META_KEYS.email, credentials.email.trim().toLowerCase());
  deps.status.signedIn();
  deps.scheduler.nudge(true);
  return { userId: session.userId, deviceId };
}

/** Ends this device's session on the server; the local data stays (and unsynced changes with it). */
async function signOut(deps: AccountDeps): Promise<void> {
  if (deps.session.get()) {
    await deps.api.call(ROUTES.signOut, { read: IGNORE_REPLY }).catch((error: unknown) => {
      if (!(isKakeiboError(error) && (isSessionEnded(error.code) || error.code === 'network.unreachable'))) {
        throw error;
      }
    });
  }
  await deps.session.save(null);
  deps.status.signedOut();
}
