import { KakeiboError, ROUTES } from '@kakeibo/core';
import type { FastifyPluginAsync } from 'fastify';
import { addRoutes, authenticateSessions, type RoutePluginOptions } from '../http/register-routes.js';
import { defineRoute } from '../http/route.js';
import { changePassword, deleteAccount, signIn, signOut, signUp } from '../services/accounts.js';
import { refreshSession, refreshTokenLedger } from '../services/sessions.js';

const signUpRoute = defineRoute(ROUTES.signUp, {
  tag: 'auth',
  summary: 'Create an account and register this device (request signed by the device key in the body).',
  signingKey: (body) => body.device,
  handler: ({ deps, body, ip }) => signUp(deps, body, ip),
});

const signInRoute = defineRoute(ROUTES.signIn, {
  tag: 'auth',
  summary: 'Sign in and register this device (request signed by the device key in the body).',
  signingKey: (body) => body.device,
  handler: ({ deps, body, ip }) => signIn(deps, body, ip),
});

const refreshRoute = defineRoute(ROUTES.refresh, {
  tag: 'auth',
  summary: 'Exchange a refresh token for a new session; the old refresh token is retired.',
  signerLedger: async (deps, body) => {
    const ledgerId = await refreshTokenLedger(deps, body.refreshToken);
    if (!ledgerId) {
      throw new KakeiboError('auth.invalid_refresh_token', 'The refresh token is not valid: sign in again.');
    }
    return ledgerId;
  },
  handler: ({ deps, body, signerDeviceId, ip }) =>
    refreshSession(deps, body.refreshToken, signerDeviceId, ip),
});

const signOutRoute = defineRoute(ROUTES.signOut, {
  tag: 'auth',
  summary: 'End this device’s session.',
  handler: async ({ deps, auth, ip }) => {
    await signOut(deps, auth, ip);
    return {};
  },
});

const changePasswordRoute = defineRoute(ROUTES.changePassword, {
  tag: 'auth',
  summary: 'Change the password, optionally ending every other session.',
  handler: ({ deps, auth, body, ip }) => changePassword(deps, auth, body, ip),
});

const deleteAccountRoute = defineRoute(ROUTES.deleteAccount, {
  tag: 'auth',
  summary: 'Delete the account and all of its data (asks for the password).',
  handler: async ({ deps, auth, body }) => {
    await deleteAccount(deps, auth, body.password);
    return {};
  },
});

/** Accounts and sessions, in the order the OpenAPI document lists them. */
export const AUTH_ROUTES = [
  signUpRoute,
  signInRoute,
  refreshRoute,
  signOutRoute,
  changePasswordRoute,
  deleteAccountRoute,
];

/**
 * `/v1/auth/*`. Sign-up, sign-in and refresh have no session yet: each proves its signer itself, once
 * the body says which key that must be. Sign-out and the password change are in a session scope.
 */
export const authPlugin: FastifyPluginAsync<RoutePluginOptions> = async (auth, { deps }) => {
  addRoutes(auth, deps, [signUpRoute, signInRoute, refreshRoute]);
  await auth.register(async (session) => {
    authenticateSessions(session, deps);
    addRoutes(session, deps, [signOutRoute, changePasswordRoute]);
  });
};

/** `/v1/account/*`: deleting the account, for a signed session. */
export const accountPlugin: FastifyPluginAsync<RoutePluginOptions> = async (account, { deps }) => {
  authenticateSessions(account, deps);
  addRoutes(account, deps, [deleteAccountRoute]);
};
