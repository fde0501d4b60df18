export * from './broker-server.js';
export * from './broker-client.js';
export * from './hand-back-errors.filter.js';
