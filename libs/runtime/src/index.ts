export * from './config.js';
export * from './logger.js';
export * from './health-server.js';
export * from './tokens.js';
export * from './cidr.js';
