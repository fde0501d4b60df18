import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Platform } from './support/platform.js';
import { insertCdrsForSessions } from './support/cdr-fixtures.js';

/**
 * A CSV export streams from one server-side cursor for as long as the client takes to read: the
 * gateway pool's hot-path statement timeout (1 s here) must not cancel it. The client reads the
 * first chunk, then stops reading for longer than that timeout (the rows no longer fit the socket
 * buffers, so the cursor is held open meanwhile), then reads the rest: every row must arrive.
 */
const ROWS = 40_000;
const HOT_PATH_TIMEOUT_MS = 1000;

describe('CSV export slower than the hot-path statement timeout', () => {
  const platform = new Platform();
  let appKey: string;

  beforeAll(async () => {
    await platform.start(
      { VERIGATE_DB_STATEMENT_TIMEOUT_MS: String(HOT_PATH_TIMEOUT_MS) },
      { voice: false, notifier: false },
    );
    appKey = (await platform.createApp('+8675528000041')).appKey;
    await platform.infra.query(
      `
      INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type, pre_tone, times,
                                 user_data, state, event_seq, state_code, started_at, ended_at)
      SELECT 'slow-' || lpad(g::text, 6, '0'), a.id, a.app_key, '+8675528000041', '+8675528000041', '+86139' || lpad(g::text, 8, '0'), 2,
             'welcome.wav', 1, 'user data of call ' || g, 'ended', 4, 0,
             timestamptz '2025-03-01 00:00:00Z' + g * interval '1 second', timestamptz '2025-03-01 00:00:30Z' + g * interval '1 second'
        FROM generate_series(1, ${ROWS}) g, apps a WHERE a.app_key = $1`,
      [appKey],
    );
    await insertCdrsForSessions(platform.infra, 'slow-%');
  }, 60_000);

  afterAll(() => platform.stop());

  it('finishes, with every row, although the client pauses longer than the hot-path timeout', async () => {
    const response = await platform.admin('GET', `/cdrs?format=csv&appKey=${appKey}`);
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const first = await reader.read();
    text += decoder.decode(first.value, { stream: true });
    // The client stalls: the cursor stays open on the server meanwhile.
    await sleep(HOT_PATH_TIMEOUT_MS * 2.5);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[ROWS]).toContain(`slow-${String(ROWS).padStart(6, '0')}`);
  });
});
