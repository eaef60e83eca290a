import { z } from 'zod';
import { DeviceIdSchema } from '../ids.js';
import { name } from '../schemas/primitives.js';

/**
 * Messages of the account and device API. Password *quality* (common passwords) is judged by the
 * server; the schemas here bound sizes so nothing unbounded reaches a hash function.
 */

/** Trimmed and lower-cased, so one mailbox is one account however it is typed. */
export const EmailSchema = z
  .string()
  .trim()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address' }))
  .transform((email) => email.toLowerCase());

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Length counted in Unicode code points (ASVS 5: 8+ characters, at least 64 allowed, no composition rules). */
export const PasswordSchema = z.string().refine(
  (p) => {
    const length = [...p].length;
    return length >= PASSWORD_MIN && length <= PASSWORD_MAX;
  },
  { message: `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters` },
);

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** The public half of a device key, as WebCrypto exports it (JWK): ECDSA P-256 or Ed25519. */
export const DevicePublicKeySchema = z.discriminatedUnion('kty', [
  z.looseObject({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: base64url.length(43),
    y: base64url.length(43),
  }),
  z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: base64url.length(43) }),
]);
export type DevicePublicKey = z.infer<typeof DevicePublicKeySchema>;

export const DeviceRegistrationSchema = z.strictObject({
  /** Chosen by the device (64 random bits) and embedded in every stamp it writes. */
  id: DeviceIdSchema,
  name: z.string().trim().pipe(name(100)),
  platform: z.string().trim().pipe(name(50)),
  publicKey: DevicePublicKeySchema,
});
export type DeviceRegistration = z.infer<typeof DeviceRegistrationSchema>;

export const SignUpRequestSchema = z.strictObject({
  email: EmailSchema,
  password: PasswordSchema,
  device: DeviceRegistrationSchema,
});

/** Sign-in checks the password, so only its size is bounded here (an old password may predate today's rules). */
export const SignInRequestSchema = z.strictObject({
  email: EmailSchema,
  password: z.string().min(1).max(1024),
  device: DeviceRegistrationSchema,
});

export const SessionSchema = z.strictObject({
  userId: z.string(),
  ledgerId: z.string(),
  deviceId: DeviceIdSchema,
  accessToken: z.string(),
  /** ISO timestamp; refresh a little before it. */
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.string(),
});

export const RefreshRequestSchema = z.strictObject({
  refreshToken: z.string().min(16).max(256),
});

export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: PasswordSchema,
  /** Sign out every other device (their refresh tokens and access end at once). */
  endOtherSessions: z.boolean().default(false),
});

export const DeleteAccountRequestSchema = z.strictObject({
  password: z.string().min(1).max(1024),
});

export const DeviceInfoSchema = z.strictObject({
  id: DeviceIdSchema,
  name: z.string(),
  platform: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  current: z.boolean(),
});

export const DeviceListSchema = z.strictObject({ devices: z.array(DeviceInfoSchema) });

export const RevokeDevicesRequestSchema = z.union([
  z.strictObject({ deviceIds: z.array(DeviceIdSchema).min(1).max(100) }),
  z.strictObject({ allButCurrent: z.literal(true) }),
]);

export const RevokeDevicesResponseSchema = z.strictObject({ revoked: z.array(DeviceIdSchema) });

export type SignUpRequest = z.infer<typeof SignUpRequestSchema>;
export type SignInRequest = z.infer<typeof SignInRequestSchema>;
export type Session = z.infer<typeof SessionSchema>;
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;
export type ChangePasswordRequest = z.input<typeof ChangePasswordRequestSchema>;
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;
export type RevokeDevicesRequest = z.infer<typeof RevokeDevicesRequestSchema>;
