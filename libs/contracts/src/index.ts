export * from './result-codes.js';
export * from './call-outcomes.js';
export * from './messaging.js';
export * from './fee-info.js';
export * from './time.js';
export * from './voice-ports.js';
export * from './captcha.js';
