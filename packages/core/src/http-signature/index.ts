export {
  MAX_COVERED_COMPONENTS,
  MAX_SIGNATURE_HEADER_LENGTH,
  type ParsedSignatureInput,
  parseSignatureInput,
  type SignatureInput,
  serializeSignatureParams,
  signatureBase,
} from './base.js';
export { type ComponentId, fieldLinesOf, type SignedMessage } from './components.js';
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
export {
  NONCE_MAX_LENGTH,
  NONCE_MIN_LENGTH,
  REQUIRED_COMPONENTS,
  type RequestToVerify,
  SIGNATURE_LABEL,
  SIGNATURE_WINDOW_SECONDS,
  type VerifiedSignature,
  type VerifyOptions,
  verifyRequest,
} from './policy.js';
export { type RequestToSign, type SignatureHeaders, signRequest } from './sign.js';
export {
  type LookupKey,
  type MessageSignature,
  messageSignature,
  messageSignatures,
  type VerifiedMessageSignature,
  verifyMessageSignature,
  verifySignature,
} from './verify.js';
