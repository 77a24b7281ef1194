-- +goose Up
CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'operator')),
    disabled        boolean NOT NULL DEFAULT false,
    -- Bumped on password reset and disabling: sessions carry the version they
    -- were issued with, so older sessions stop working.
    session_version integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Failed logins, by the name typed (which may not exist), for throttling.
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    user_name text NOT NULL,
    failed_at timestamptz NOT NULL
);
CREATE INDEX login_failures_user_name_failed_at ON login_failures (user_name, failed_at);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE users;
