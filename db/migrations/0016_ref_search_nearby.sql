-- Structures behind physician search and nearby that stay fast at millions of physicians.
--
-- Search: a dictionary of the folded words of every name (ref.name_word, trigram-indexed: a typo is looked up among
-- some hundred thousand distinct words, not millions of names), the words of each physician as an array
-- (ref.physician.name_words, GIN: several query words intersect their posting lists), and per word its physicians
-- in rank order (ref.name_posting: a one-word query reads its first page from an index, however common the word).
--
-- Nearby: the offline geocoder puts every address of a ZIP at the ZIP's centroid, so a dense city is a few hundred
-- points carrying thousands of addresses each. A GiST index over such stacks of identical points degenerates (each
-- query opens every page of the stack). So distinct points are indexed once per taxonomy code (ref.nearby_point,
-- code '' = any specialty, with how many addresses sit there) and the addresses at a point are read from a b-tree
-- (ref.nearby_member). A query walks the points nearest first and stops as soon as it has enough physicians.
--
-- Both are derived from ref.physician, ref.physician_address and ref.physician_taxonomy. Statement triggers on
-- those tables queue the changed NPIs (ref.search_dirty); a deferred trigger applies the queue once, just before
-- the writing transaction commits, so readers see the derived rows of the old release or of the new one, like
-- the base tables. A change touching most physicians (a first load) rebuilds the derived tables wholesale.

CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE ref.physician
    ADD COLUMN name_words text[] GENERATED ALWAYS AS (regexp_split_to_array(search_name, '[^[:alnum:]'']+')) STORED;
-- The whole-name trigram index is replaced by the word structures (its build was the slowest step of a first load).
DROP INDEX IF EXISTS ref.physician_search_trgm_idx;
CREATE INDEX physician_name_words_idx ON ref.physician USING gin (name_words) WHERE removed_at IS NULL;

-- Words and codes sort bytewise (COLLATE "C"): index builds are several times faster than with a linguistic
-- collation, and a prefix is a plain range.
CREATE TABLE ref.name_word (
    word text COLLATE "C" PRIMARY KEY,
    n    integer NOT NULL          -- active physicians whose name has the word
);
CREATE INDEX name_word_trgm_idx ON ref.name_word USING gin (word gin_trgm_ops);
-- Every dictionary word (3+ characters) with each one-character deletion of it: a query token within one edit of
-- a word (a letter missing, extra, wrong, or two letters swapped: "snug" for "sung") shares a deletion with it.
-- Trigrams miss such typos in short names. Words stay in the dictionary with n = 0 when no name has them.
CREATE TABLE ref.name_word_del (
    variant text COLLATE "C" NOT NULL,
    word    text COLLATE "C" NOT NULL
);
CREATE INDEX name_word_del_variant_idx ON ref.name_word_del (variant);
CREATE INDEX name_word_del_word_idx ON ref.name_word_del (word);

CREATE OR REPLACE FUNCTION ref.word_deletions(word text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT overlay(word PLACING '' FROM i FOR 1) FROM generate_series(1, length(word)) i
     WHERE length(word) >= 3
$$;

-- rank: active before deactivated, then shorter names (closest to a one-word query) first.
-- No primary key: a word twice in one name is two rows (harmless: readers take each NPI once), and plain indexes can be dropped and rebuilt by a bulk refresh.
CREATE TABLE ref.name_posting (
    word text COLLATE "C" NOT NULL,
    rank smallint NOT NULL,
    npi  bigint   NOT NULL
);
CREATE INDEX name_posting_word_idx ON ref.name_posting (word, rank, npi);
CREATE INDEX name_posting_npi_idx ON ref.name_posting (npi);

CREATE TABLE ref.geo_point (
    point_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lng_e6   integer NOT NULL,
    lat_e6   integer NOT NULL,
    geog     geography(Point, 4326) NOT NULL,
    UNIQUE (lng_e6, lat_e6)
);

CREATE TABLE ref.nearby_member (
    code       text COLLATE "C" NOT NULL,    -- taxonomy code, '' = any
    point_id   bigint NOT NULL,
    npi        bigint NOT NULL,
    address_id bigint NOT NULL
);
CREATE INDEX nearby_member_point_idx ON ref.nearby_member (code, point_id, npi, address_id);
CREATE INDEX nearby_member_npi_idx ON ref.nearby_member (npi);

CREATE TABLE ref.nearby_point (
    code     text COLLATE "C" NOT NULL,
    point_id bigint  NOT NULL,
    geog     geography(Point, 4326) NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (code, point_id)
);
CREATE INDEX nearby_point_knn_idx ON ref.nearby_point USING gist (code, geog);

CREATE TABLE ref.search_dirty (
    id   bigserial PRIMARY KEY,
    npis bigint[]              -- NULL: everything
);

CREATE OR REPLACE FUNCTION ref.name_rank(search_name text, deactivation_date date, reactivation_date date)
    RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (CASE WHEN deactivation_date IS NOT NULL
                      AND (reactivation_date IS NULL OR reactivation_date < deactivation_date) THEN 1000 ELSE 0 END
            + least(length(search_name), 999))::smallint
$$;

-- Rebuilds the search structures for `npis` (NULL: all of them).
CREATE OR REPLACE FUNCTION ref.refresh_name_search(npis bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF npis IS NULL THEN
        PERFORM set_config('maintenance_work_mem', '256MB', true);
        TRUNCATE ref.name_posting, ref.name_word, ref.name_word_del;
        PERFORM ref.bulk_drop_indexes('ref.name_posting', 1);
        INSERT INTO ref.name_posting (word, rank, npi)
        SELECT w, ref.name_rank(p.search_name, p.deactivation_date, p.reactivation_date), p.npi
          FROM ref.physician p, unnest(p.name_words) w
         WHERE p.removed_at IS NULL AND w <> '';
        PERFORM ref.bulk_restore_indexes('ref.name_posting');
        INSERT INTO ref.name_word (word, n) SELECT word, count(*) FROM ref.name_posting GROUP BY word;
        INSERT INTO ref.name_word_del (variant, word)
        SELECT v, w.word FROM ref.name_word w, ref.word_deletions(w.word) v;
        ANALYZE ref.name_posting;
        ANALYZE ref.name_word;
        ANALYZE ref.name_word_del;
        RETURN;
    END IF;
    WITH gone AS (
        DELETE FROM ref.name_posting WHERE npi IN (SELECT unnest(npis)) RETURNING word
    ), fresh AS (
        INSERT INTO ref.name_posting (word, rank, npi)
        SELECT w, ref.name_rank(p.search_name, p.deactivation_date, p.reactivation_date), p.npi
          FROM ref.physician p, unnest(p.name_words) w
         WHERE p.npi IN (SELECT unnest(npis)) AND p.removed_at IS NULL AND w <> ''
        RETURNING word
    ), delta AS (
        SELECT word, sum(d)::integer AS d
          FROM (SELECT word, -1 AS d FROM gone UNION ALL SELECT word, 1 FROM fresh) x
         GROUP BY word HAVING sum(d) <> 0
    )
    , counted AS (
        INSERT INTO ref.name_word AS w (word, n) SELECT word, d FROM delta
        ON CONFLICT (word) DO UPDATE SET n = w.n + EXCLUDED.n
        RETURNING w.word, (xmax = 0) AS created
    )
    INSERT INTO ref.name_word_del (variant, word)
    SELECT v, c.word FROM counted c, ref.word_deletions(c.word) v WHERE c.created;
END $$;

-- Rebuilds the nearby structures for `npis` (NULL: all of them).
CREATE OR REPLACE FUNCTION ref.refresh_nearby(npis bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('maintenance_work_mem', '256MB', true);
    -- One row per (code, address): code '' for every address, plus one per distinct taxonomy code of its physician.
    CREATE TEMP TABLE IF NOT EXISTS nearby_addr (npi bigint, address_id bigint, lng_e6 integer, lat_e6 integer,
                                                 geog geography) ON COMMIT DROP;
    TRUNCATE nearby_addr;
    INSERT INTO nearby_addr
    SELECT a.npi, a.address_id, round(ST_X(a.geog::geometry) * 1e6)::integer,
           round(ST_Y(a.geog::geometry) * 1e6)::integer, a.geog
      FROM ref.physician_address a
     WHERE a.removed_at IS NULL AND a.geog IS NOT NULL AND (npis IS NULL OR a.npi IN (SELECT unnest(npis)));
    INSERT INTO ref.geo_point (lng_e6, lat_e6, geog)
    SELECT DISTINCT ON (s.lng_e6, s.lat_e6) s.lng_e6, s.lat_e6, s.geog FROM nearby_addr s ORDER BY s.lng_e6, s.lat_e6
    ON CONFLICT (lng_e6, lat_e6) DO NOTHING;
    CREATE TEMP TABLE IF NOT EXISTS nearby_src (code text COLLATE "C", point_id bigint, npi bigint, address_id bigint)
        ON COMMIT DROP;
    TRUNCATE nearby_src;
    INSERT INTO nearby_src
    SELECT '', g.point_id, s.npi, s.address_id
      FROM nearby_addr s JOIN ref.geo_point g ON g.lng_e6 = s.lng_e6 AND g.lat_e6 = s.lat_e6;
    INSERT INTO nearby_src
    SELECT t.code, s.point_id, s.npi, s.address_id
      FROM nearby_src s
      JOIN (SELECT DISTINCT x.npi, x.taxonomy_code AS code FROM ref.physician_taxonomy x
             WHERE npis IS NULL OR x.npi IN (SELECT unnest(npis))) t ON t.npi = s.npi;
    IF npis IS NULL THEN
        TRUNCATE ref.nearby_member, ref.nearby_point;
        PERFORM ref.bulk_drop_indexes('ref.nearby_member', 1);
        PERFORM ref.bulk_drop_indexes('ref.nearby_point', 1);
        INSERT INTO ref.nearby_member (code, point_id, npi, address_id)
        SELECT code, point_id, npi, address_id FROM nearby_src;
        INSERT INTO ref.nearby_point (code, point_id, geog, n)
        SELECT s.code, s.point_id, g.geog, s.n
          FROM (SELECT code, point_id, count(*) AS n FROM nearby_src GROUP BY code, point_id) s
          JOIN ref.geo_point g USING (point_id);
        PERFORM ref.bulk_restore_indexes('ref.nearby_member');
        PERFORM ref.bulk_restore_indexes('ref.nearby_point');
        ANALYZE ref.nearby_member;
        ANALYZE ref.nearby_point;
        RETURN;
    END IF;
    WITH gone AS (
        DELETE FROM ref.nearby_member WHERE npi IN (SELECT unnest(npis)) RETURNING code, point_id
    ), fresh AS (
        INSERT INTO ref.nearby_member (code, point_id, npi, address_id)
        SELECT code, point_id, npi, address_id FROM nearby_src
        RETURNING code, point_id
    ), delta AS (
        SELECT code, point_id, sum(d)::integer AS d
          FROM (SELECT code, point_id, -1 AS d FROM gone UNION ALL SELECT code, point_id, 1 FROM fresh) x
         GROUP BY code, point_id HAVING sum(d) <> 0
    )
    INSERT INTO ref.nearby_point AS p (code, point_id, geog, n)
    SELECT d.code, d.point_id, g.geog, d.d FROM delta d JOIN ref.geo_point g USING (point_id)
    ON CONFLICT (code, point_id) DO UPDATE SET n = p.n + EXCLUDED.n;
    DELETE FROM ref.nearby_point WHERE n <= 0;
END $$;

-- Applies the queued changes (deferred: runs once, just before the writing transaction commits).
CREATE OR REPLACE FUNCTION ref.flush_search_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    everything boolean;
    dirty bigint[];
BEGIN
    WITH q AS (DELETE FROM ref.search_dirty d RETURNING d.npis AS list)
    SELECT bool_or(q.list IS NULL), array_agg(DISTINCT x)
      INTO everything, dirty FROM q LEFT JOIN LATERAL unnest(q.list) x ON true;
    IF everything IS NULL THEN
        RETURN NULL;  -- an earlier firing in this transaction already applied the queue
    END IF;
    IF everything THEN
        dirty := NULL;
    ELSE
        dirty := array_remove(dirty, NULL);
    END IF;
    PERFORM ref.refresh_name_search(dirty);
    PERFORM ref.refresh_nearby(dirty);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER search_dirty_flush AFTER INSERT ON ref.search_dirty
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ref.flush_search_dirty();

-- Queues the NPIs of a statement's changed rows; more than a fifth of all physicians queues a full rebuild.
CREATE OR REPLACE FUNCTION ref.queue_search_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
    total float8;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT npi) INTO changed FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT npi) INTO changed FROM new_rows;
    END IF;
    IF changed IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT greatest(reltuples, 0) INTO total FROM pg_class WHERE oid = 'ref.physician'::regclass;
    IF cardinality(changed) > 1000 AND cardinality(changed) > total / 5 THEN
        INSERT INTO ref.search_dirty (npis) VALUES (NULL);
    ELSE
        INSERT INTO ref.search_dirty (npis) VALUES (changed);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['physician', 'physician_address', 'physician_taxonomy'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON ref.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ref.queue_search_dirty()', t || '_search_ins', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON ref.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ref.queue_search_dirty()', t || '_search_upd', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON ref.%I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ref.queue_search_dirty()', t || '_search_del', t);
    END LOOP;
END $$;

-- Existing rows (a database migrated after data was loaded).
SELECT ref.refresh_name_search(NULL);
SELECT ref.refresh_nearby(NULL);

-- Candidate dictionary words for one folded query token: the word itself (tier 3), the most common words it
-- begins (2), and fuzzy matches (1): the words within one edit (shared one-character deletions); only when the token
-- is neither a word nor within one edit of one, the most similar words by trigrams (several typos in one word).
CREATE OR REPLACE FUNCTION ref.token_words(tok text, max_prefix integer, max_fuzzy integer)
    RETURNS TABLE (word text, tier integer) LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH exact AS (
        SELECT w.word FROM ref.name_word w WHERE w.word = tok AND w.n > 0
    ), edit AS (
        SELECT w.word, similarity(w.word, tok) AS sim, w.n
          FROM ref.name_word w
         WHERE (w.word IN (SELECT d.word FROM ref.name_word_del d
                            WHERE d.variant IN (SELECT tok UNION ALL SELECT ref.word_deletions(tok)))
                OR w.word IN (SELECT ref.word_deletions(tok)))
           AND w.n > 0 AND NOT starts_with(w.word, tok)
    )
    SELECT word, 3 FROM exact
    UNION ALL
    (SELECT w.word, 2 FROM ref.name_word w
      WHERE w.word >= tok AND w.word < tok || chr(1114111) AND w.word <> tok AND w.n > 0
      ORDER BY w.n DESC, w.word LIMIT max_prefix)
    UNION ALL
    (SELECT e.word, 1 FROM edit e ORDER BY e.sim DESC, e.n DESC, e.word LIMIT max_fuzzy)
    UNION ALL
    (SELECT w.word, 1 FROM ref.name_word w
      WHERE NOT EXISTS (SELECT 1 FROM exact) AND NOT EXISTS (SELECT 1 FROM edit) AND length(tok) >= 3
        AND w.word % tok AND w.n > 0 AND NOT starts_with(w.word, tok)
      ORDER BY similarity(w.word, tok) DESC, w.n DESC, w.word LIMIT max_fuzzy)
$$;

-- The physicians nearest a point within a radius (metres), optionally having one of `codes`, `k` at most, each
-- once at its nearest address. Walks the distinct points nearest first (per code, merged) and stops at `k`.
CREATE OR REPLACE FUNCTION ref.nearby_physicians(lng float8, lat float8, radius_m float8, codes text[], k integer)
    RETURNS TABLE (npi bigint, address_id bigint, dist float8) LANGUAGE plpgsql STABLE AS $$
DECLARE
    pt geography := ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography;
    wanted text[] := coalesce(codes, ARRAY['']);
    got integer := 0;
    seen bigint[] := '{}';
    p record;
    m record;
BEGIN
    FOR p IN
        SELECT y.point_id, y.d
          FROM (SELECT DISTINCT ON (x.point_id) x.point_id, x.d
                  FROM unnest(wanted) c(code)
                 CROSS JOIN LATERAL (SELECT np.point_id, np.geog <-> pt AS d
                                       FROM ref.nearby_point np
                                      WHERE np.code = c.code
                                      ORDER BY np.geog <-> pt
                                      LIMIT 2 * k + 10) x
                 ORDER BY x.point_id) y
         ORDER BY y.d, y.point_id
    LOOP
        EXIT WHEN p.d > radius_m;
        FOR m IN SELECT nm.npi, nm.address_id FROM ref.nearby_member nm
                  WHERE nm.code = ANY (wanted) AND nm.point_id = p.point_id
                  ORDER BY nm.npi, nm.address_id LOOP
            CONTINUE WHEN m.npi = ANY (seen);
            seen := seen || m.npi;
            npi := m.npi;
            address_id := m.address_id;
            dist := p.d;
            RETURN NEXT;
            got := got + 1;
            EXIT WHEN got >= k;
        END LOOP;
        EXIT WHEN got >= k;
    END LOOP;
END $$;

DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rounds_app') THEN
        GRANT SELECT ON ref.name_word, ref.name_word_del, ref.name_posting, ref.geo_point, ref.nearby_member, ref.nearby_point
            TO rounds_app;
    END IF;
END $$;
