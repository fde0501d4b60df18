export * from './aksk.js';
export * from './secret-box.js';
export * from './aj-aes.js';
export * from './standard-webhooks.js';
export * from './push-signature.js';
export * from './pow.js';
