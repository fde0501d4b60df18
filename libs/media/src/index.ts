export * from './rtp-header.js';
export * from './wav.js';
