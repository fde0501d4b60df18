// Repositories of the tables two apps share (a table used by one app keeps its repository in that app).
export * from './apps.repository.js';
export * from './call-events.repository.js';
export * from './call-sessions.repository.js';
export * from './captcha-sessions.repository.js';
export * from './cdrs.repository.js';
export * from './claimed-call.js';
export * from './row-cursor.js';
export * from './sms-dev-inbox.repository.js';
export * from './sms-message-rows.js';
export * from './sms-messages.repository.js';
export * from './sql-filter.js';
export * from './tone-files.repository.js';
export * from './voice-workers.repository.js';
export * from './verifications.repository.js';
