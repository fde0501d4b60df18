-- The start of the fixed window (UTC-aligned) that now falls in.
CREATE OR REPLACE FUNCTION verigate_window_start(window_seconds integer) RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT to_timestamp(floor(extract(epoch FROM now()) / window_seconds) * window_seconds) $$;
