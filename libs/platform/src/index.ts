export * from './platform.module.js';
export * from './bootstrap.js';
export * from './platform-metrics.js';
export * from './database-probe.js';
