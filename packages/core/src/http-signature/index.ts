export {
  MAX_COVERED_COMPONENTS,
  MAX_SIGNATURE_HEADER_LENGTH,
  type MessageComponents,
  NONCE_MAX_LENGTH,
  NONCE_MIN_LENGTH,
  type ParsedSignatureInput,
  parseSignatureInput,
  REQUIRED_COMPONENTS,
  SIGNATURE_LABEL,
  type SignatureInput,
  serializeSignatureParams,
  signatureBase,
} from './base.js';
export { contentDigest } from './digest.js';
export {
  algForJwk,
  type CryptoKey,
  type DeviceKeyPair,
  generateDeviceKeyPair,
  importDevicePrivateKey,
  importDevicePublicKey,
  type JsonWebKey,
  SIGNATURE_ALGS,
  type SignatureAlg,
} from './keys.js';
export { type RequestToSign, type SignatureHeaders, signRequest } from './sign.js';
export {
  type LookupKey,
  type RequestToVerify,
  SIGNATURE_WINDOW_SECONDS,
  type VerifiedSignature,
  type VerifyOptions,
  verifyRequest,
} from './verify.js';
