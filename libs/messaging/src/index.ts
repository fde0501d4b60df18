export * from './broker.js';
export * from './outbox.js';
export * from './topology.js';
export * from './rpc.js';
export * from './broker-nodes.js';
