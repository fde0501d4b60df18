export * from './rtp-header.js';
