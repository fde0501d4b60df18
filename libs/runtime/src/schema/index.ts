export * from './validate.js';
export * from './json-schema.js';
