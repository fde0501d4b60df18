/**
 * Voice workers heart-beat their port count into `voice_workers`; one older than this is gone:
 * the gateway stops counting its ports and its unfinished calls are ended as orphans.
 */
export const VOICE_WORKER_STALE_SECONDS = 20;
export const VOICE_WORKER_HEARTBEAT_MS = 5000;
