-- Foundation: extensions, the three schemas, privileges of the application role, the job queue.
-- Extensions need a superuser unless they already exist: `scripts/pg.sh` creates databases from a template
-- that has them, so on those this is a no-op.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE SCHEMA IF NOT EXISTS ref;  -- shared public data (CMS), read-heavy
CREATE SCHEMA IF NOT EXISTS crm;  -- tenant data: every row carries org_id, row-level security on
CREATE SCHEMA IF NOT EXISTS ops;  -- operations: jobs, ingestion bookkeeping

-- unaccent() is only STABLE (it reads a dictionary), so indexes need an IMMUTABLE wrapper naming the
-- dictionary explicitly.
CREATE OR REPLACE FUNCTION ref.fold_name(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- Durable job queue, consumed with FOR UPDATE SKIP LOCKED and enqueued in the transaction of the write that
-- causes the job.
CREATE TABLE ops.job (
    id           bigserial PRIMARY KEY,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    org_id       uuid,
    status       text        NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'done', 'failed')),
    run_at       timestamptz NOT NULL DEFAULT now(),
    attempts     integer     NOT NULL DEFAULT 0,
    max_attempts integer     NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    locked_by    text,
    locked_at    timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX job_ready_idx ON ops.job (run_at) WHERE status = 'queued';

-- The server connects as rounds_app: it can read public data and read/write tenant data, but owns nothing
-- and cannot bypass row-level security. Default privileges make later migrations' tables follow suit.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT USAGE ON SCHEMA ref, crm, ops TO rounds_app;
        GRANT SELECT ON public.schema_migrations TO rounds_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ops TO rounds_app;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA ops TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA ref GRANT SELECT ON TABLES TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA crm GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA crm GRANT USAGE ON SEQUENCES TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA ops GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO rounds_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA ops GRANT USAGE ON SEQUENCES TO rounds_app;
    END IF;
END $$;
