-- CRM core (issue #8): what a rep records and a manager reads. Every table here is a tenant table with the
-- common columns (org_id, id, client_id, version, created/updated by/at, deleted_at) and one row-visibility
-- rule, installed by crm.install_tenant_table() so no table can miss a trigger, a policy or a grant:
--
--   owner_id NULL      organisation-wide rows (products, restrictions, settings, overrides): every role of
--                      the organisation reads them; only the roles in `shared_writers` write them.
--   owner_id NOT NULL  the owner's rows: a rep sees their own, a manager their team's (crm.visible_user_ids()),
--                      an admin the organisation's. The server repeats the same rule in its queries.
--
-- Hard DELETE is revoked from the server: a delete is `deleted_at = now()`, which track_change records as a
-- tombstone in crm.change_log for the offline sync.

CREATE OR REPLACE FUNCTION crm.can_see_owner(owner uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT owner IS NULL OR crm.current_app_role() = 'admin' OR owner = ANY (crm.visible_user_ids())
$$;

CREATE OR REPLACE FUNCTION crm.install_tenant_table(tbl text, shared_writers text[] DEFAULT '{admin}')
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    writers text := quote_literal(shared_writers::text);
BEGIN
    EXECUTE format('CREATE INDEX %I ON crm.%I (org_id, created_at, id)', tbl || '_org_created_idx', tbl);
    EXECUTE format('CREATE INDEX %I ON crm.%I (org_id, owner_id)', tbl || '_org_owner_idx', tbl);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON crm.%I FOR EACH ROW EXECUTE FUNCTION crm.touch_row()',
                   tbl || '_touch', tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON crm.%I FOR EACH ROW '
                   'EXECUTE FUNCTION crm.track_change()', tbl || '_change', tbl);
    EXECUTE format('ALTER TABLE crm.%I ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE crm.%I FORCE ROW LEVEL SECURITY', tbl);
    -- Reading: the organisation, and within it the owner rule.
    EXECUTE format('CREATE POLICY %I ON crm.%I FOR SELECT USING (org_id = crm.current_org() '
                   'AND (owner_id IS NULL OR crm.current_app_role() = ''admin'' '
                   'OR owner_id IN (SELECT unnest(crm.visible_user_ids()))))', tbl || '_tenant_read', tbl);
    -- Writing: owned rows by whoever sees the owner; shared rows by the listed roles only.
    EXECUTE format('CREATE POLICY %I ON crm.%I FOR INSERT WITH CHECK (org_id = crm.current_org() AND ('
                   '(owner_id IS NULL AND crm.current_app_role() = ANY (%s::text[])) OR (owner_id IS NOT NULL '
                   'AND (crm.current_app_role() = ''admin'' OR owner_id IN (SELECT unnest(crm.visible_user_ids()))))))',
                   tbl || '_tenant_insert', tbl, writers);
    EXECUTE format('CREATE POLICY %I ON crm.%I FOR UPDATE USING (org_id = crm.current_org() AND ('
                   '(owner_id IS NULL AND crm.current_app_role() = ANY (%s::text[])) OR (owner_id IS NOT NULL '
                   'AND (crm.current_app_role() = ''admin'' OR owner_id IN (SELECT unnest(crm.visible_user_ids()))))))'
                   ' WITH CHECK (org_id = crm.current_org() AND ('
                   '(owner_id IS NULL AND crm.current_app_role() = ANY (%s::text[])) OR (owner_id IS NOT NULL '
                   'AND (crm.current_app_role() = ''admin'' OR owner_id IN (SELECT unnest(crm.visible_user_ids()))))))',
                   tbl || '_tenant_update', tbl, writers, writers);
    EXECUTE format('CREATE POLICY %I ON crm.%I TO CURRENT_USER USING (crm.admin_mode()) WITH CHECK (crm.admin_mode())',
                   tbl || '_owner_admin', tbl);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON crm.%I TO rounds_app', tbl);
        EXECUTE format('REVOKE DELETE, TRUNCATE ON crm.%I FROM rounds_app', tbl);
    END IF;
END $$;

-- Organisation CRM settings: one row per organisation (created on first read).
CREATE TABLE crm.crm_settings (
    org_id                 uuid        NOT NULL REFERENCES crm.org (id),
    id                     uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id               uuid        CHECK (owner_id IS NULL),
    -- [{"name": "Qualify", "probability": 10}, ...] in pipeline order; won/lost are the last two by convention
    opportunity_stages     jsonb       NOT NULL DEFAULT '[{"name":"prospect","probability":10},{"name":"qualified","probability":25},{"name":"proposal","probability":50},{"name":"negotiation","probability":75},{"name":"won","probability":100},{"name":"lost","probability":0}]',
    call_types             text[]      NOT NULL DEFAULT '{detail,sample_drop,follow_up,in_service,lunch_and_learn}',
    key_messages           text[]      NOT NULL DEFAULT '{}',
    sampling_states        text[]      NOT NULL DEFAULT '{}',  -- licence states where sampling is allowed
    spend_caps             jsonb       NOT NULL DEFAULT '{}',  -- {"VT": 0, "MA": 50} annual cap per recipient
    -- Open Payments de minimis thresholds (program year 2026: $13.82 per item, $138.13 a year).
    op_min_item            numeric(12, 2) NOT NULL DEFAULT 13.82,
    op_annual_threshold    numeric(12, 2) NOT NULL DEFAULT 138.13,
    account_fields_schema  jsonb       NOT NULL DEFAULT '{"type":"object","properties":{}}',
    client_id              text,
    version                bigint      NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    created_by             uuid,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    updated_by             uuid,
    deleted_at             timestamptz,
    UNIQUE (org_id),
    UNIQUE (org_id, client_id)
);
SELECT crm.install_tenant_table('crm_settings');
-- Any member may create the defaults row on first read (changing it stays admin-only).
CREATE POLICY crm_settings_first_read ON crm.crm_settings FOR INSERT
    WITH CHECK (org_id = crm.current_org() AND owner_id IS NULL);

CREATE TABLE crm.product (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        CHECK (owner_id IS NULL),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    code        text        CHECK (length(code) <= 64),
    category    text,
    sampleable  boolean     NOT NULL DEFAULT false,
    active      boolean     NOT NULL DEFAULT true,
    unit_price  numeric(12, 2) CHECK (unit_price >= 0),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id)
);
SELECT crm.install_tenant_table('product');

-- Imports (CSV of accounts, call plans, past calls): the journal that makes a whole import revertible.
CREATE TABLE crm.import_job (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('accounts', 'call_plans', 'calls')),
    status      text        NOT NULL CHECK (status IN ('applied', 'rejected', 'reverted')),
    rows_total  integer     NOT NULL DEFAULT 0,
    rows_created integer    NOT NULL DEFAULT 0,
    rows_updated integer    NOT NULL DEFAULT 0,
    errors      jsonb       NOT NULL DEFAULT '[]',
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id)
);
SELECT crm.install_tenant_table('import_job');

-- One line per row an import created or changed, with the row as it was before (NULL when created).
CREATE TABLE crm.import_journal (
    org_id      uuid        NOT NULL,
    import_id   uuid        NOT NULL,
    seq         bigserial,
    entity      text        NOT NULL,
    entity_id   uuid        NOT NULL,
    before      jsonb,       -- the row before the import; NULL when the import created it
    after_version bigint     NOT NULL,  -- a revert refuses rows changed since
    PRIMARY KEY (import_id, seq),
    FOREIGN KEY (org_id, import_id) REFERENCES crm.import_job (org_id, id)
);
ALTER TABLE crm.import_journal ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.import_journal FORCE ROW LEVEL SECURITY;
CREATE POLICY import_journal_tenant ON crm.import_journal
    USING (org_id = crm.current_org()) WITH CHECK (org_id = crm.current_org());
CREATE POLICY import_journal_owner_admin ON crm.import_journal TO CURRENT_USER
    USING (crm.admin_mode()) WITH CHECK (crm.admin_mode());

CREATE TABLE crm.account (
    org_id            uuid        NOT NULL REFERENCES crm.org (id),
    id                uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id          uuid        NOT NULL,
    npi               bigint,
    ccn               text,
    name              text        CHECK (length(name) <= 300),
    tier              text        CHECK (length(tier) <= 40),
    segment           text        CHECK (length(segment) <= 80),
    is_target         boolean     NOT NULL DEFAULT false,
    status            text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'prospect')),
    best_days         text[]      NOT NULL DEFAULT '{}',
    best_hours        text        CHECK (length(best_hours) <= 100),
    no_see            boolean     NOT NULL DEFAULT false,
    preferred_channel text        CHECK (preferred_channel IN ('in_person', 'video', 'phone', 'email')),
    tags              text[]      NOT NULL DEFAULT '{}',
    custom_fields     jsonb       NOT NULL DEFAULT '{}',
    import_id         uuid,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    CHECK ((npi IS NULL) <> (ccn IS NULL)),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id)
);
SELECT crm.install_tenant_table('account');
-- The natural key: one live account per physician (or facility) per organisation.
CREATE UNIQUE INDEX account_org_npi_key ON crm.account (org_id, npi) WHERE deleted_at IS NULL AND npi IS NOT NULL;
CREATE UNIQUE INDEX account_org_ccn_key ON crm.account (org_id, ccn) WHERE deleted_at IS NULL AND ccn IS NOT NULL;

CREATE TABLE crm.call (
    org_id            uuid        NOT NULL REFERENCES crm.org (id),
    id                uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id          uuid        NOT NULL,  -- the rep who made the call
    npi               bigint      NOT NULL,
    ccn               text,
    account_id        uuid,
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz,
    channel           text        NOT NULL CHECK (channel IN ('in_person', 'video', 'phone', 'email')),
    status            text        NOT NULL DEFAULT 'completed' CHECK (status IN ('planned', 'completed', 'cancelled')),
    call_type         text,
    duration_minutes  integer     CHECK (duration_minutes BETWEEN 0 AND 1440),
    products          uuid[]      NOT NULL DEFAULT '{}',
    key_messages      text[]      NOT NULL DEFAULT '{}',
    attendees         bigint[]    NOT NULL DEFAULT '{}',
    notes             text        CHECK (length(notes) <= 4000),
    outcome           text        CHECK (length(outcome) <= 1000),
    checkin_lat       double precision CHECK (checkin_lat BETWEEN -90 AND 90),
    checkin_lng       double precision CHECK (checkin_lng BETWEEN -180 AND 180),
    locked            boolean     NOT NULL DEFAULT false,
    submitted_at      timestamptz,
    signature_path    text,
    signature_sha256  text,
    import_id         uuid,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    CHECK (ends_at IS NULL OR ends_at >= starts_at),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES crm.account (org_id, id)
);
SELECT crm.install_tenant_table('call');
CREATE INDEX call_org_npi_idx ON crm.call (org_id, npi, starts_at);
CREATE INDEX call_org_owner_starts_idx ON crm.call (org_id, owner_id, starts_at);

-- Sample inventory per rep: lots transferred from the organisation; every movement is a transaction and
-- on_hand is kept in step with them (the reconciliation report recomputes it and flags a difference).
CREATE TABLE crm.sample_lot (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        NOT NULL,  -- the rep holding the lot
    product_id  uuid        NOT NULL,
    lot_number  text        NOT NULL CHECK (length(lot_number) BETWEEN 1 AND 64),
    expires_on  date        NOT NULL,
    on_hand     integer     NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES crm.product (org_id, id)
);
SELECT crm.install_tenant_table('sample_lot');

CREATE TABLE crm.sample_txn (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        NOT NULL,
    lot_id      uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('received', 'dropped', 'returned', 'adjusted')),
    quantity    integer     NOT NULL CHECK (quantity <> 0 AND (kind = 'adjusted' OR quantity > 0)),
    call_id     uuid,
    reason      text        CHECK (length(reason) <= 500),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, lot_id) REFERENCES crm.sample_lot (org_id, id),
    FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id)
);
SELECT crm.install_tenant_table('sample_txn');
CREATE INDEX sample_txn_lot_idx ON crm.sample_txn (org_id, lot_id);

CREATE TABLE crm.call_sample (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        NOT NULL,
    call_id     uuid        NOT NULL,
    product_id  uuid        NOT NULL,
    lot_id      uuid        NOT NULL,
    quantity    integer     NOT NULL CHECK (quantity > 0),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES crm.product (org_id, id),
    FOREIGN KEY (org_id, lot_id) REFERENCES crm.sample_lot (org_id, id)
);
SELECT crm.install_tenant_table('call_sample');
CREATE INDEX call_sample_call_idx ON crm.call_sample (org_id, call_id);

-- Transfers of value. `nature` uses the Open Payments "Nature of Payment or Transfer of Value" vocabulary.
CREATE TABLE crm.spend_item (
    org_id         uuid        NOT NULL REFERENCES crm.org (id),
    id             uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id       uuid        NOT NULL,
    call_id        uuid,
    kind           text        NOT NULL CHECK (kind IN ('meal', 'gift', 'travel', 'lodging', 'education', 'other')),
    nature         text        NOT NULL,
    form           text        NOT NULL DEFAULT 'In-kind items and services',
    amount         numeric(12, 2) NOT NULL CHECK (amount > 0),
    attendee_count integer     NOT NULL DEFAULT 1 CHECK (attendee_count BETWEEN 1 AND 1000),
    spent_on       date        NOT NULL,
    description    text        CHECK (length(description) <= 500),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id)
);
SELECT crm.install_tenant_table('spend_item');

-- A spend item split per covered recipient (amount / attendee count each, unless given).
CREATE TABLE crm.spend_recipient (
    org_id        uuid        NOT NULL REFERENCES crm.org (id),
    id            uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id      uuid        NOT NULL,
    spend_item_id uuid        NOT NULL,
    npi           bigint      NOT NULL,
    amount        numeric(12, 2) NOT NULL CHECK (amount >= 0),
    state         text,       -- the recipient's state when recorded (caps are per state)
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, spend_item_id) REFERENCES crm.spend_item (org_id, id)
);
SELECT crm.install_tenant_table('spend_recipient');
CREATE INDEX spend_recipient_npi_idx ON crm.spend_recipient (org_id, npi);

CREATE TABLE crm.call_amendment (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        NOT NULL,
    call_id     uuid        NOT NULL,
    reason      text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    before      jsonb       NOT NULL,
    after       jsonb       NOT NULL,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id)
);
SELECT crm.install_tenant_table('call_amendment');

CREATE TABLE crm.opportunity (
    org_id         uuid        NOT NULL REFERENCES crm.org (id),
    id             uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id       uuid        NOT NULL,
    account_id     uuid        NOT NULL,
    product_id     uuid,
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    amount         numeric(14, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
    stage          text        NOT NULL,
    stage_changed_at timestamptz NOT NULL DEFAULT now(),
    expected_close date,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES crm.account (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES crm.product (org_id, id)
);
SELECT crm.install_tenant_table('opportunity');

CREATE TABLE crm.opportunity_stage (
    org_id          uuid        NOT NULL REFERENCES crm.org (id),
    id              uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id        uuid        NOT NULL,
    opportunity_id  uuid        NOT NULL,
    from_stage      text,
    to_stage        text        NOT NULL,
    amount          numeric(14, 2) NOT NULL,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, opportunity_id) REFERENCES crm.opportunity (org_id, id)
);
SELECT crm.install_tenant_table('opportunity_stage');

-- Stage history is written by the database, so no code path can change a stage without a history row.
CREATE OR REPLACE FUNCTION crm.opportunity_stage_history() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.stage IS DISTINCT FROM OLD.stage THEN
        INSERT INTO crm.opportunity_stage (org_id, owner_id, opportunity_id, from_stage, to_stage, amount,
                                           created_by, updated_by)
        VALUES (NEW.org_id, NEW.owner_id, NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.stage END, NEW.stage,
                NEW.amount, crm.current_user_id(), crm.current_user_id());
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER opportunity_stage_history AFTER INSERT OR UPDATE OF stage ON crm.opportunity
    FOR EACH ROW EXECUTE FUNCTION crm.opportunity_stage_history();
CREATE OR REPLACE FUNCTION crm.opportunity_stage_time() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage IS DISTINCT FROM OLD.stage THEN
        NEW.stage_changed_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER opportunity_stage_time BEFORE UPDATE OF stage ON crm.opportunity
    FOR EACH ROW EXECUTE FUNCTION crm.opportunity_stage_time();

CREATE TABLE crm.task (
    org_id          uuid        NOT NULL REFERENCES crm.org (id),
    id              uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id        uuid        NOT NULL,  -- the assignee
    title           text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     text        CHECK (length(description) <= 4000),
    due_at          timestamptz,
    remind_at       timestamptz,
    priority        text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    call_id         uuid,
    account_id      uuid,
    opportunity_id  uuid,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES crm.account (org_id, id),
    FOREIGN KEY (org_id, opportunity_id) REFERENCES crm.opportunity (org_id, id)
);
SELECT crm.install_tenant_table('task');

CREATE TABLE crm.note (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        NOT NULL,
    npi         bigint,
    account_id  uuid,
    call_id     uuid,
    body        text        NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id),
    FOREIGN KEY (org_id, account_id) REFERENCES crm.account (org_id, id),
    FOREIGN KEY (org_id, call_id) REFERENCES crm.call (org_id, id)
);
SELECT crm.install_tenant_table('note');

-- Do-not-call / no-see per physician, and per-physician product restrictions (organisation-wide rules).
CREATE TABLE crm.restriction (
    org_id      uuid        NOT NULL REFERENCES crm.org (id),
    id          uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id    uuid        CHECK (owner_id IS NULL),
    npi         bigint      NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('do_not_call', 'no_see', 'product')),
    product_id  uuid,
    reason      text        CHECK (length(reason) <= 500),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    CHECK ((kind = 'product') = (product_id IS NOT NULL)),
    FOREIGN KEY (org_id, product_id) REFERENCES crm.product (org_id, id)
);
SELECT crm.install_tenant_table('restriction', '{manager,admin}');
CREATE INDEX restriction_npi_idx ON crm.restriction (org_id, npi) WHERE deleted_at IS NULL;

-- Cycle plans: per target physician the calls planned in a cycle, by channel.
CREATE TABLE crm.call_plan (
    org_id        uuid        NOT NULL REFERENCES crm.org (id),
    id            uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id      uuid        NOT NULL,
    npi           bigint      NOT NULL,
    cycle_start   date        NOT NULL,
    cycle_end     date        NOT NULL,
    channel       text        NOT NULL CHECK (channel IN ('in_person', 'video', 'phone', 'email')),
    planned_calls integer     NOT NULL CHECK (planned_calls BETWEEN 0 AND 1000),
    import_id     uuid,
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    CHECK (cycle_end >= cycle_start),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id)
);
SELECT crm.install_tenant_table('call_plan');
CREATE UNIQUE INDEX call_plan_natural_key ON crm.call_plan (org_id, owner_id, npi, cycle_start, channel)
    WHERE deleted_at IS NULL;

-- A rep's report that public data is wrong; an admin (data steward) approves or rejects it.
CREATE TABLE crm.change_request (
    org_id       uuid        NOT NULL REFERENCES crm.org (id),
    id           uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id     uuid        NOT NULL,  -- the reporter
    npi          bigint      NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('moved', 'retired', 'wrong_phone', 'wrong_specialty', 'other')),
    proposed     jsonb       NOT NULL DEFAULT '{}',  -- e.g. {"practice_phone": "..."} or {"practice_line1": ...}
    comment      text        CHECK (length(comment) <= 2000),
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   uuid,
    decided_at   timestamptz,
    decision_note text       CHECK (length(decision_note) <= 2000),
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES crm.app_user (org_id, id)
);
SELECT crm.install_tenant_table('change_request');

-- Approved corrections overlay the public data in this organisation's views. `field` names a column of
-- ref.physician (or 'retired'); the override stops applying once a public release carries the same value
-- (crm.physician_overlay compares with the current public row).
CREATE TABLE crm.physician_override (
    org_id       uuid        NOT NULL REFERENCES crm.org (id),
    id           uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    owner_id     uuid        CHECK (owner_id IS NULL),
    npi          bigint      NOT NULL,
    field        text        NOT NULL CHECK (field IN ('practice_line1', 'practice_line2', 'practice_city',
                                                     'practice_state', 'practice_postal_code', 'practice_phone',
                                                     'taxonomy_code', 'retired')),
    value        text,
    change_request_id uuid,
    public_value text,        -- the public value when approved
    client_id text, version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz,
    UNIQUE (org_id, id), UNIQUE (org_id, client_id),
    FOREIGN KEY (org_id, change_request_id) REFERENCES crm.change_request (org_id, id)
);
SELECT crm.install_tenant_table('physician_override');
CREATE UNIQUE INDEX physician_override_key ON crm.physician_override (org_id, npi, field) WHERE deleted_at IS NULL;

-- The organisation's overrides still in force for one physician, as {"field": "value"}: an override
-- whose value the public row now carries has been confirmed by a newer release and no longer applies.
CREATE OR REPLACE FUNCTION crm.physician_overlay(p_npi bigint) RETURNS jsonb
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(o.field, o.value), '{}')
    FROM crm.physician_override o
    LEFT JOIN ref.physician p ON p.npi = o.npi
    WHERE o.org_id = crm.current_org() AND o.npi = p_npi AND o.deleted_at IS NULL
      AND (o.field = 'retired' OR to_jsonb(p) ->> o.field IS DISTINCT FROM o.value)
$$;

-- The licence state that decides sampling: the primary taxonomy's licence state, else any licence state,
-- else the practice state.
CREATE OR REPLACE FUNCTION crm.licence_state(p_npi bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT license_state FROM ref.physician_taxonomy t WHERE t.npi = p_npi AND license_state IS NOT NULL
         ORDER BY is_primary DESC NULLS LAST, slot LIMIT 1),
        (SELECT practice_state FROM ref.physician WHERE npi = p_npi))
$$;

REVOKE EXECUTE ON FUNCTION crm.install_tenant_table(text, text[]) FROM PUBLIC;
