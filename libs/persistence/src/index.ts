export * from './entities/index.js';
export * from './data-source.js';
export * from './read-data-source.js';
export * from './query-rows.js';
export * from './database-errors.js';
export * from './repositories/index.js';
