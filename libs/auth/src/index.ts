export * from './aksk.js';
export * from './secret-box.js';
