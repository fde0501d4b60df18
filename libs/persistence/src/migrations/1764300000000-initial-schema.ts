import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  // Bodies sent to customers are stored as json, not jsonb: json keeps the key order of the
  // seed's examples (sessionId, timestamp, caller, called …) byte for byte.
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE apps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        app_key text NOT NULL UNIQUE,
        name text NOT NULL,
        signature text,
        secret_sealed text NOT NULL,
        status text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal','suspended','unavailable')),
        permissions text[] NOT NULL DEFAULT ARRAY['captcha','sms','voice'],
        ip_whitelist text[] NOT NULL DEFAULT '{}',
        rest_hours jsonb,
        voice_ports integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE app_numbers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        number text NOT NULL,
        status text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal','suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (app_id, number)
      )`);
    // Blacklist / whitelist entries: app_id NULL = platform-wide.
    await q.query(`
      CREATE TABLE number_lists (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        list text NOT NULL CHECK (list IN ('blacklist','whitelist')),
        number text NOT NULL,
        app_id uuid REFERENCES apps(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX number_lists_entry ON number_lists (list, number, COALESCE(app_id, '00000000-0000-0000-0000-000000000000'))`,
    );
    await q.query(`
      CREATE TABLE tone_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
        encoding text NOT NULL,
        sample_rate integer NOT NULL,
        channels integer NOT NULL,
        duration_ms integer NOT NULL,
        size_bytes integer NOT NULL,
        sha256 text NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        reviewed_at timestamptz,
        UNIQUE (app_id, name)
      )`);
    await q.query(`
      CREATE TABLE call_sessions (
        id text PRIMARY KEY,
        app_id uuid NOT NULL REFERENCES apps(id),
        app_key text NOT NULL,
        display_nbr text NOT NULL,
        requested_display_nbr text NOT NULL,
        callee_nbr text NOT NULL,
        language_type integer NOT NULL,
        pre_tone text NOT NULL,
        pos_tone text,
        verify_code_sealed text,
        times integer NOT NULL,
        status_url text,
        fee_url text,
        user_data text,
        state text NOT NULL DEFAULT 'accepted' CHECK (state IN ('accepted','calling','ended')),
        worker_id text,
        icid text,
        event_seq integer NOT NULL DEFAULT 0,
        state_code integer,
        state_desc text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        alerting_at timestamptz,
        answered_at timestamptz,
        ended_at timestamptz
      )`);
    await q.query(`CREATE INDEX call_sessions_app_created ON call_sessions (app_key, created_at)`);
    await q.query(`CREATE INDEX call_sessions_live ON call_sessions (state, worker_id) WHERE state <> 'ended'`);
    await q.query(`
      CREATE TABLE call_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id text NOT NULL REFERENCES call_sessions(id),
        seq integer NOT NULL,
        event_type text NOT NULL,
        body json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (session_id, seq)
      )`);
    await q.query(`
      CREATE TABLE cdrs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id text NOT NULL UNIQUE REFERENCES call_sessions(id),
        app_key text NOT NULL,
        caller_num text NOT NULL,
        callee_num text NOT NULL,
        call_start timestamptz NOT NULL,
        call_end timestamptz NOT NULL,
        state_code integer NOT NULL,
        fee_info json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX cdrs_app_start ON cdrs (app_key, call_start)`);
    await q.query(`CREATE INDEX cdrs_callee ON cdrs (callee_num, call_start)`);
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        exchange text NOT NULL,
        routing_key text NOT NULL,
        message_id text NOT NULL,
        payload json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Rows are deleted once the broker confirmed them: whatever is here is not yet published.
    await q.query(`CREATE INDEX outbox_created ON outbox (created_at)`);
    await q.query(`
      CREATE TABLE auth_nonces (
        app_key text NOT NULL,
        nonce text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (app_key, nonce)
      )`);
    await q.query(`CREATE INDEX auth_nonces_expiry ON auth_nonces (expires_at)`);
    await q.query(`
      CREATE TABLE voice_workers (
        id text PRIMARY KEY,
        host_name text NOT NULL,
        ports integer NOT NULL,
        active_calls integer NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_id text NOT NULL,
        stream text NOT NULL CHECK (stream IN ('status','fee')),
        session_id text NOT NULL,
        app_key text NOT NULL,
        seq integer NOT NULL,
        url text NOT NULL,
        body json NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_http_status integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        delivered_at timestamptz,
        UNIQUE (source_id, stream)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_session ON webhook_deliveries (session_id, stream, seq)`);
    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        http_status integer,
        error text
      )`);
    await q.query(`CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'delivery_attempts',
      'webhook_deliveries',
      'voice_workers',
      'auth_nonces',
      'outbox',
      'cdrs',
      'call_events',
      'call_sessions',
      'tone_files',
      'number_lists',
      'app_numbers',
      'apps',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
