export * from './expect-eventually.js';
export * from './webhook-receiver.js';
export * from './test-infrastructure.js';
export * from './wav.js';
export * from './sipp.js';
export * from './smsc.js';
export * from './log-scan.js';
export * from './captcha-credentials.js';
