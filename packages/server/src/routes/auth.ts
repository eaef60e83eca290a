import {
  ChangePasswordRequestSchema,
  DeleteAccountRequestSchema,
  RefreshRequestSchema,
  SessionSchema,
  SignInRequestSchema,
  SignUpRequestSchema,
} from '@kakeibo/core';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { changePassword, deleteAccount, signIn, signOut, signUp } from '../services/accounts.js';
import type { ServerDeps } from '../services/context.js';
import { refreshSession, refreshTokenLedger } from '../services/sessions.js';

const Empty = z.strictObject({});
const auth = <T>(value: T | null): T => value as T;

export const authRoutes = (deps: ServerDeps) => [
  defineRoute({
    method: 'POST',
    path: '/v1/auth/signup',
    tag: 'auth',
    summary: 'Create an account and register this device (request signed by the device key in the body).',
    auth: 'proof',
    body: SignUpRequestSchema,
    response: SessionSchema,
    status: 201,
    handler: ({ body, ip }) => signUp(deps, body, ip),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/signin',
    tag: 'auth',
    summary: 'Sign in and register this device (request signed by the device key in the body).',
    auth: 'proof',
    body: SignInRequestSchema,
    response: SessionSchema,
    handler: ({ body, ip }) => signIn(deps, body, ip),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/refresh',
    tag: 'auth',
    summary: 'Exchange a refresh token for a new session; the old refresh token is retired.',
    auth: 'device-signed',
    body: RefreshRequestSchema,
    response: SessionSchema,
    signerLedger: (body: z.infer<typeof RefreshRequestSchema>) => refreshTokenLedger(deps, body.refreshToken),
    handler: ({ body, signerDeviceId, ip }) =>
      refreshSession(deps, body.refreshToken, signerDeviceId as string, ip),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/signout',
    tag: 'auth',
    summary: 'End this device’s session.',
    auth: 'session',
    body: Empty.optional(),
    response: Empty,
    handler: async (ctx) => {
      await signOut(deps, auth(ctx.auth), ctx.ip);
      return {};
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/password',
    tag: 'auth',
    summary: 'Change the password, optionally ending every other session.',
    auth: 'session',
    body: ChangePasswordRequestSchema,
    response: z.strictObject({ endedDevices: z.array(z.string()) }),
    handler: (ctx) => changePassword(deps, auth(ctx.auth), ctx.body, ctx.ip),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/account/delete',
    tag: 'auth',
    summary: 'Delete the account and all of its data (asks for the password).',
    auth: 'session',
    body: DeleteAccountRequestSchema,
    response: Empty,
    handler: async (ctx) => {
      await deleteAccount(deps, auth(ctx.auth), ctx.body.password, ctx.ip);
      return {};
    },
  }),
];
