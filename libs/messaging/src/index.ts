export * from './broker.js';
export * from './disposition.js';
export * from './outbox.js';
export * from './topology.js';
export * from './topology-plan.js';
export * from './rpc.js';
export * from './nest/index.js';
export * from './broker-nodes.js';
