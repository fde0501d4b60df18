export * from './config/index.js';
export * from './logger.js';
export * from './health-server.js';
export * from './tokens.js';
export * from './cidr.js';
export * from './metrics.js';
export * from './request-context.js';
export * from './address-class.js';
