-- Table used by @socket.io/postgres-adapter for broadcast payloads too large for NOTIFY.
-- Made here, not by the adapter at start, so nodes starting together do not race on it.
CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
