export * from './platform.module.js';
export * from './bootstrap.js';
