#pragma once

#include "db/pool.h"

/// Every SQL statement of the physicians module. Responses are built as JSON by PostgreSQL itself
/// (json_build_object / json_agg), so a profile is one round trip and the server passes the text through.
namespace rounds::physicians::sql {

/// Highest succeeded load: the "data version" that keys caches and ETags.
inline constexpr db::Statement kDataVersion{
    "phys_data_version", "SELECT coalesce(max(load_id), 0) FROM ref.dataset_load WHERE status = 'succeeded'"};

/// The whole profile of one NPI ($1 bigint), or no row when the NPI is unknown.
inline constexpr db::Statement kProfile{"phys_profile", R"sql(
WITH p AS (SELECT * FROM ref.physician WHERE npi = $1::bigint),
src AS (SELECT load_id, json_build_object('dataset', dataset, 'release', release_label, 'load_id', load_id,
                                          'data_year', data_year, 'loaded_at', finished_at) AS j
          FROM ref.dataset_load)
SELECT json_build_object(
  'npi', p.npi::text,
  'entity_type', CASE p.entity_type WHEN 1 THEN 'individual' WHEN 2 THEN 'organization' END,
  'name', json_build_object(
      'display', CASE WHEN p.entity_type = 2 THEN p.org_name
                      ELSE concat_ws(' ', p.name_prefix, p.first_name, p.middle_name, p.last_name, p.name_suffix) END,
      'first', p.first_name, 'middle', p.middle_name, 'last', p.last_name, 'prefix', p.name_prefix,
      'suffix', p.name_suffix, 'organization', p.org_name),
  'other_names', (SELECT coalesce(json_agg(o), '[]'::json) FROM (
        SELECT p.other_org_name AS organization, p.other_first_name AS first, p.other_middle_name AS middle,
               p.other_last_name AS last
         WHERE coalesce(p.other_org_name, p.other_last_name) IS NOT NULL) o),
  'credential', p.credential,
  'gender', p.gender,
  'enumeration_date', p.enumeration_date,
  'last_update_date', p.last_update_date,
  'deactivated', (p.deactivation_date IS NOT NULL
                  AND (p.reactivation_date IS NULL OR p.reactivation_date < p.deactivation_date)),
  'deactivation_date', p.deactivation_date,
  'deactivation_reason', p.deactivation_reason,
  'reactivation_date', p.reactivation_date,
  'sole_proprietor', p.sole_proprietor,
  'removed_from_registry', p.removed_at IS NOT NULL,
  'mailing_address', json_build_object('line1', p.mailing_line1, 'line2', p.mailing_line2, 'city', p.mailing_city,
      'state', p.mailing_state, 'postal_code', p.mailing_postal_code, 'phone', p.mailing_phone),
  'source', (SELECT j FROM src WHERE src.load_id = p.release_id),
  'specialties', (SELECT coalesce(json_agg(json_build_object(
        'code', t.taxonomy_code, 'name', coalesce(x.display_name, x.classification, t.taxonomy_code),
        'grouping', x.grouping, 'classification', x.classification, 'specialization', x.specialization,
        'primary', coalesce(t.is_primary, false), 'license_number', t.license_number,
        'license_state', t.license_state) ORDER BY t.is_primary DESC NULLS LAST, t.slot), '[]'::json)
      FROM ref.physician_taxonomy t LEFT JOIN ref.taxonomy x ON x.code = t.taxonomy_code WHERE t.npi = p.npi),
  'locations', (SELECT coalesce(json_agg(json_build_object(
        'source', a.source, 'line1', a.line1, 'line2', a.line2, 'city', a.city, 'state', a.state,
        'postal_code', a.postal_code, 'phone', a.phone, 'fax', a.fax,
        'lat', CASE WHEN a.geog IS NOT NULL THEN round(ST_Y(a.geog::geometry)::numeric, 6) END,
        'lng', CASE WHEN a.geog IS NOT NULL THEN round(ST_X(a.geog::geometry)::numeric, 6) END,
        'geocode_quality', a.geocode_quality,
        'source_release', (SELECT j FROM src WHERE src.load_id = a.release_id))
        ORDER BY (a.source = 'nppes') DESC, a.source, a.source_key), '[]'::json)
      FROM ref.physician_address a WHERE a.npi = p.npi AND a.removed_at IS NULL),
  'enrollment', json_build_object(
      'records', (SELECT coalesce(json_agg(json_build_object(
            'pac_id', e.pac_id, 'enrollment_id', e.enrollment_id, 'med_school', e.med_school,
            'grad_year', e.grad_year, 'primary_specialty', e.primary_specialty,
            'secondary_specialties', (SELECT coalesce(json_agg(s), '[]'::json) FROM unnest(ARRAY[
                e.secondary_specialty_1, e.secondary_specialty_2, e.secondary_specialty_3,
                e.secondary_specialty_4]) s WHERE s IS NOT NULL AND s <> ''),
            'telehealth', e.telehealth,
            'groups', (SELECT coalesce(json_agg(DISTINCT jsonb_build_object('name', l.org_name,
                              'pac_id', l.org_pac_id, 'member_count', l.org_member_count)), '[]'::json)
                         FROM ref.enrollment_location l
                        WHERE l.npi = e.npi AND l.enrollment_id = e.enrollment_id AND l.org_pac_id <> ''
                          AND l.removed_at IS NULL)) ORDER BY e.enrollment_id), '[]'::json)
          FROM ref.enrollment e WHERE e.npi = p.npi AND e.removed_at IS NULL),
      'source', (SELECT j FROM src WHERE src.load_id = (SELECT max(release_id) FROM ref.enrollment e
                                                         WHERE e.npi = p.npi AND e.removed_at IS NULL))),
  'affiliations', json_build_object(
      'items', (SELECT coalesce(json_agg(json_build_object(
            'ccn', af.ccn, 'facility_type', nullif(af.facility_type, ''), 'name', f.name, 'city', f.city,
            'state', f.state, 'hospital_type', f.hospital_type, 'ownership', f.ownership,
            'overall_rating', f.overall_rating) ORDER BY f.overall_rating DESC NULLS LAST, f.name), '[]'::json)
          FROM ref.affiliation af LEFT JOIN ref.facility f ON f.ccn = af.ccn AND f.removed_at IS NULL
         WHERE af.npi = p.npi AND af.removed_at IS NULL),
      'source', (SELECT j FROM src WHERE src.load_id = (SELECT max(release_id) FROM ref.affiliation af
                                                         WHERE af.npi = p.npi AND af.removed_at IS NULL))),
  'partb', json_build_object(
      'years', (SELECT coalesce(json_agg(json_build_object(
            'year', y.data_year, 'services', y.services, 'beneficiaries', y.beneficiaries,
            'hcpcs_codes', y.hcpcs_codes, 'payment_cents', y.payment_cents, 'currency', 'USD',
            'source', (SELECT j FROM src WHERE src.load_id = y.release_id)) ORDER BY y.data_year), '[]'::json)
          FROM ref.npi_partb_year y WHERE y.npi = p.npi),
      'top_procedures', (SELECT coalesce(json_agg(json_build_object(
            'year', s.data_year, 'hcpcs_code', s.hcpcs_code, 'description', s.hcpcs_desc,
            'place_of_service', s.place_of_service, 'services', s.tot_srvcs, 'beneficiaries', s.tot_benes,
            'avg_payment_cents', round(s.avg_mdcr_pymt_amt * 100)::bigint, 'currency', 'USD')
            ORDER BY s.tot_srvcs DESC NULLS LAST, s.hcpcs_code), '[]'::json)
          FROM (SELECT * FROM ref.partb_service s
                 WHERE s.npi = p.npi AND s.removed_at IS NULL
                   AND s.data_year = (SELECT max(data_year) FROM ref.npi_partb_year WHERE npi = p.npi)
                 ORDER BY s.tot_srvcs DESC NULLS LAST, s.hcpcs_code LIMIT 10) s)),
  'partd', json_build_object(
      'years', (SELECT coalesce(json_agg(json_build_object(
            'year', y.data_year, 'claims', y.claims, 'cost_cents', y.cost_cents, 'currency', 'USD',
            'brand_claims', y.brand_claims, 'brand_share', round(y.brand_share::numeric, 4),
            'generic_share', round((1 - y.brand_share)::numeric, 4), 'drugs', y.drugs,
            'source', (SELECT j FROM src WHERE src.load_id = y.release_id)) ORDER BY y.data_year), '[]'::json)
          FROM ref.npi_partd_year y WHERE y.npi = p.npi),
      'top_drugs', (SELECT coalesce(json_agg(json_build_object(
            'year', d.data_year, 'brand_name', d.brand_name, 'generic_name', d.generic_name,
            'claims', d.tot_clms, 'fills_30day', d.tot_30day_fills, 'cost_cents', d.tot_drug_cst_cents,
            'currency', 'USD', 'beneficiaries', d.tot_benes) ORDER BY d.tot_clms DESC NULLS LAST, d.brand_name),
            '[]'::json)
          FROM (SELECT * FROM ref.partd_drug d
                 WHERE d.npi = p.npi AND d.removed_at IS NULL
                   AND d.data_year = (SELECT max(data_year) FROM ref.npi_partd_year WHERE npi = p.npi)
                 ORDER BY d.tot_clms DESC NULLS LAST, d.brand_name LIMIT 10) d)),
  'open_payments', json_build_object(
      'years', (SELECT coalesce(json_agg(json_build_object('year', y.program_year, 'amount_cents', y.amount_cents,
                                                           'currency', 'USD', 'payments', y.payments)
                                         ORDER BY y.program_year), '[]'::json)
          FROM (SELECT program_year, sum(amount_cents)::bigint AS amount_cents, sum(payments)::bigint AS payments
                  FROM ref.npi_open_payment_year WHERE npi = p.npi GROUP BY program_year) y),
      'by_payer', (SELECT coalesce(json_agg(json_build_object('payer', y.payer_name, 'amount_cents', y.amount_cents,
                                                              'currency', 'USD', 'payments', y.payments)
                                            ORDER BY y.amount_cents DESC, y.payer_name), '[]'::json)
          FROM (SELECT payer_name, sum(amount_cents)::bigint AS amount_cents, sum(payments)::bigint AS payments
                  FROM ref.npi_open_payment_year WHERE npi = p.npi GROUP BY payer_name
                 ORDER BY 2 DESC LIMIT 10) y),
      'by_nature', (SELECT coalesce(json_agg(json_build_object('nature', n.nature, 'amount_cents', n.amount_cents,
                                                               'currency', 'USD', 'payments', n.payments)
                                             ORDER BY n.amount_cents DESC, n.nature), '[]'::json)
          FROM (SELECT coalesce(nature_of_payment, 'Unspecified') AS nature, sum(amount_cents)::bigint AS amount_cents,
                       count(*) AS payments
                  FROM ref.open_payment WHERE npi = p.npi AND removed_at IS NULL GROUP BY 1) n),
      'largest', (SELECT coalesce(json_agg(json_build_object('record_id', o.record_id, 'year', o.program_year,
                      'kind', o.payment_kind, 'payer', o.payer_name, 'amount_cents', o.amount_cents, 'currency', 'USD',
                      'date', o.payment_date, 'nature', o.nature_of_payment, 'form', o.form_of_payment,
                      'product', o.product_name_1) ORDER BY o.amount_cents DESC, o.record_id), '[]'::json)
          FROM (SELECT * FROM ref.open_payment WHERE npi = p.npi AND removed_at IS NULL
                 ORDER BY amount_cents DESC, record_id LIMIT 5) o),
      'source', (SELECT json_agg(DISTINCT jsonb_build_object('dataset', d.dataset, 'release', d.release_label,
                                                             'load_id', d.load_id, 'loaded_at', d.finished_at))
          FROM ref.dataset_load d
         WHERE d.load_id IN (SELECT DISTINCT release_id FROM ref.npi_open_payment_year WHERE npi = p.npi)))
)::text
FROM p)sql"};

}  // namespace rounds::physicians::sql

namespace rounds::physicians::sql {

// Name search (migration 0016): each query token is looked up in the dictionary of name words (ref.token_words:
// the word itself = tier 3 "exact", the most common words it begins = 2 "prefix", the most trigram-similar
// words = 1 "fuzzy"). A hit is a physician having a candidate word for every token; its tier is that of its
// weakest token. Filters: $F codes (text[] or NULL), state, city, zip5, entity type; distance when lng/lat given.

// clang-format off
// Filter conditions on `p` shared by both statements; the parameter numbers are those of the statements below.
#define ROUNDS_SEARCH_FILTERS(CODES, STATE, CITY, ZIP, ETYPE)                                                    \
    " AND ($" CODES "::text[] IS NULL OR EXISTS (SELECT 1 FROM ref.physician_taxonomy t"                          \
    "   WHERE t.npi = p.npi AND t.taxonomy_code = ANY ($" CODES "::text[])))"                                    \
    " AND ($" STATE "::text IS NULL OR p.practice_state = $" STATE ")"                                           \
    " AND ($" CITY "::text IS NULL OR lower(p.practice_city) = lower($" CITY "))"                                \
    " AND ($" ZIP "::text IS NULL OR left(p.practice_postal_code, 5) = $" ZIP ")"                                \
    " AND ($" ETYPE "::int IS NULL OR p.entity_type = $" ETYPE "::int)"

// The page as JSON from `numbered` (npi, tier, sim, n = position, cursor) joined to the physician; LIMIT is the
// page size + 1 (the extra row only says that there is a next page). LNG/LAT give distance_m.
#define ROUNDS_SEARCH_PAGE(LNG, LAT, LIMIT)                                                                     \
    " SELECT coalesce(json_agg(json_build_object("                                                               \
    "   'npi', p.npi::text,"                                                                                     \
    "   'entity_type', CASE p.entity_type WHEN 1 THEN 'individual' WHEN 2 THEN 'organization' END,"              \
    "   'name', CASE WHEN p.entity_type = 2 THEN p.org_name ELSE concat_ws(' ', p.first_name, p.last_name) END," \
    "   'credential', p.credential,"                                                                             \
    "   'specialty', (SELECT coalesce(x.display_name, x.classification, t.taxonomy_code)"                        \
    "                   FROM ref.physician_taxonomy t LEFT JOIN ref.taxonomy x ON x.code = t.taxonomy_code"      \
    "                  WHERE t.npi = p.npi ORDER BY t.is_primary DESC NULLS LAST, t.slot LIMIT 1),"              \
    "   'city', p.practice_city, 'state', p.practice_state,"                                                     \
    "   'deactivated', (p.deactivation_date IS NOT NULL"                                                         \
    "                   AND (p.reactivation_date IS NULL OR p.reactivation_date < p.deactivation_date)),"        \
    "   'match', CASE h.tier WHEN 3 THEN 'exact' WHEN 2 THEN 'prefix' ELSE 'fuzzy' END,"                         \
    "   'score', round(h.sim::numeric, 3),"                                                                      \
    "   'distance_m', CASE WHEN $" LNG "::float8 IS NOT NULL THEN"                                               \
    "     (SELECT round(ST_Distance(a.geog, ST_SetSRID(ST_MakePoint($" LNG "::float8, $" LAT "::float8), 4326)"  \
    "                                   ::geography))"                                                           \
    "        FROM ref.physician_address a"                                                                      \
    "       WHERE a.npi = p.npi AND a.removed_at IS NULL AND a.geog IS NOT NULL"                                 \
    "       ORDER BY (a.source = 'nppes') DESC LIMIT 1) END)"                                                    \
    "   ORDER BY h.n) FILTER (WHERE h.n < $" LIMIT "::int), '[]'::json)::text,"                                  \
    " CASE WHEN count(*) = $" LIMIT "::int THEN max(h.cursor) FILTER (WHERE h.n = $" LIMIT "::int - 1) END"      \
    " FROM numbered h JOIN ref.physician p ON p.npi = h.npi"
// clang-format on

/// One-token search: each candidate word's physicians are read in rank order from ref.name_posting (active
/// before deactivated, then shorter names), at most a page per word, so a common word costs no more than a rare
/// one. A physician is listed under its best-tier word only. Order: tier, rank, NPI.
/// $1 token, $2 codes, $3 state, $4 city, $5 zip5, $6 entity type, $7 lng, $8 lat, $9/$10/$11 cursor tier/rank/npi
/// (NULL on the first page), $12 limit + 1. Columns: the page JSON and the next cursor (or NULL).
inline constexpr db::Statement kSearchOne{"phys_search_one",
    "WITH c AS (SELECT word, word_id, tier FROM ref.token_words(ref.fold_name($1), 50, 20)),"
    " better AS (SELECT array_agg(word) FILTER (WHERE tier = 3) AS exact_w,"
    "                   array_agg(word) FILTER (WHERE tier >= 2) AS prefix_w FROM c),"
    " cand AS ("
    "  SELECT DISTINCT ON (x.npi) x.npi, x.tier, x.rank"
    "    FROM c CROSS JOIN LATERAL ("
    "      SELECT np.npi, c.tier, np.rank"
    "        FROM ref.name_posting np JOIN ref.physician p ON p.npi = np.npi"
    "       WHERE np.word_id = c.word_id AND p.removed_at IS NULL"
    "         AND NOT (c.tier < 3 AND coalesce(p.name_words && (SELECT exact_w FROM better), false))"
    "         AND NOT (c.tier < 2 AND coalesce(p.name_words && (SELECT prefix_w FROM better), false))"
    "         AND ($9::int IS NULL OR c.tier < $9::int"
    "              OR (c.tier = $9::int AND (np.rank > $10::int OR (np.rank = $10::int AND np.npi > $11::bigint))))"
    ROUNDS_SEARCH_FILTERS("2", "3", "4", "5", "6")
    "       ORDER BY np.rank, np.npi"
    "       LIMIT $12::int) x"
    "   ORDER BY x.npi, x.tier DESC, x.rank),"
    " page AS (SELECT * FROM cand ORDER BY tier DESC, rank, npi LIMIT $12::int),"
    " numbered AS ("
    "  SELECT g.npi, g.tier, similarity(p.search_name, ref.fold_name($1)) AS sim,"
    "         row_number() OVER (ORDER BY g.tier DESC, g.rank, g.npi) AS n,"
    "         g.tier::text || ':' || g.rank::text || ':' || g.npi::text AS cursor"
    "    FROM page g JOIN ref.physician p ON p.npi = g.npi)"
    ROUNDS_SEARCH_PAGE("7", "8", "12")};

/// Several tokens: the GIN index on ref.physician.name_words intersects the candidate words of every token
/// (a token without candidates matches nothing); the hits are ranked by tier, then trigram similarity of the
/// whole name to the query, active before deactivated, NPI. At most 5,000 matches are ranked (words of one or two
/// letters each can match a large share of all names; typing on narrows them).
/// $1 the tokens (text[], 2..4), $2 full query, $3 codes, $4 state, $5 city, $6 zip5, $7 entity type, $8 lng,
/// $9 lat, $10/$11/$12 cursor tier/similarity/npi, $13 limit + 1.
inline constexpr db::Statement kSearchMany{"phys_search_many",
    "WITH t AS (SELECT i, ref.fold_name(tok) AS tok FROM unnest($1::text[]) WITH ORDINALITY u(tok, i)),"
    " c AS (SELECT t.i, x.word, x.tier FROM t CROSS JOIN LATERAL ref.token_words(t.tok, 50, 20) x),"
    " w AS (SELECT t.i, coalesce(array_agg(c.word) FILTER (WHERE c.word IS NOT NULL), '{}') AS any_w,"
    "              array_agg(c.word) FILTER (WHERE c.tier = 3) AS exact_w,"
    "              array_agg(c.word) FILTER (WHERE c.tier >= 2) AS prefix_w"
    "         FROM t LEFT JOIN c ON c.i = t.i GROUP BY t.i),"
    " hits AS ("
    "  SELECT p.npi,"
    "         (SELECT min(CASE WHEN p.name_words && w.exact_w THEN 3 WHEN p.name_words && w.prefix_w THEN 2"
    "                          ELSE 1 END) FROM w) AS tier,"
    "         similarity(p.search_name, ref.fold_name($2)) AS sim,"
    "         (p.deactivation_date IS NOT NULL"
    "          AND (p.reactivation_date IS NULL OR p.reactivation_date < p.deactivation_date)) AS deactivated"
    "    FROM ref.physician p"
    "   WHERE p.removed_at IS NULL"
    "     AND p.name_words && (SELECT any_w FROM w WHERE i = 1)"
    "     AND p.name_words && (SELECT any_w FROM w WHERE i = 2)"
    "     AND p.name_words && coalesce((SELECT any_w FROM w WHERE i = 3), (SELECT any_w FROM w WHERE i = 1))"
    "     AND p.name_words && coalesce((SELECT any_w FROM w WHERE i = 4), (SELECT any_w FROM w WHERE i = 1))"
    ROUNDS_SEARCH_FILTERS("3", "4", "5", "6", "7")
    "   LIMIT 5000),"
    " page AS ("
    "  SELECT * FROM hits"
    "   WHERE $10::int IS NULL OR tier < $10::int"
    "      OR (tier = $10::int AND (sim < $11::real OR (sim = $11::real AND npi > $12::bigint)))"
    "   ORDER BY tier DESC, sim DESC, deactivated, npi"
    "   LIMIT $13::int),"
    " numbered AS ("
    "  SELECT npi, tier, sim, row_number() OVER (ORDER BY tier DESC, sim DESC, deactivated, npi) AS n,"
    "         tier::text || ':' || sim::text || ':' || npi::text AS cursor"
    "    FROM page)"
    ROUNDS_SEARCH_PAGE("8", "9", "13")};

#undef ROUNDS_SEARCH_FILTERS
#undef ROUNDS_SEARCH_PAGE

/// Physicians nearest a point. $1 lng, $2 lat, $3 radius (m), $4 specialty codes (text[] or NULL), $5 limit.
/// ref.nearby_physicians (migration 0016) walks the distinct points nearest first and gives each physician once,
/// at its nearest address, stopping at the limit.
inline constexpr db::Statement kNearby{"phys_nearby", R"sql(
WITH page AS (
  SELECT * FROM ref.nearby_physicians($1::float8, $2::float8, $3::float8, $4::text[], $5::int)
)
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
  'type', 'Feature',
  'geometry', json_build_object('type', 'Point', 'coordinates',
                                json_build_array(round(ST_X(a.geog::geometry)::numeric, 6),
                                                 round(ST_Y(a.geog::geometry)::numeric, 6))),
  'properties', json_build_object(
      'npi', p.npi::text,
      'name', CASE WHEN p.entity_type = 2 THEN p.org_name ELSE concat_ws(' ', p.first_name, p.last_name) END,
      'credential', p.credential,
      'entity_type', CASE p.entity_type WHEN 1 THEN 'individual' WHEN 2 THEN 'organization' END,
      'specialty', (SELECT coalesce(x.display_name, x.classification, t.taxonomy_code)
                      FROM ref.physician_taxonomy t LEFT JOIN ref.taxonomy x ON x.code = t.taxonomy_code
                     WHERE t.npi = p.npi ORDER BY t.is_primary DESC NULLS LAST, t.slot LIMIT 1),
      'address', json_build_object('line1', a.line1, 'line2', a.line2, 'city', a.city, 'state', a.state,
                                   'postal_code', a.postal_code, 'phone', a.phone),
      'geocode_quality', a.geocode_quality,
      'distance_m', round(pg.dist::numeric, 1))) ORDER BY pg.dist, pg.npi), '[]'::json))::text
  FROM page pg
  JOIN ref.physician_address a ON a.address_id = pg.address_id
  JOIN ref.physician p ON p.npi = pg.npi)sql"};

/// Taxonomy codes for a specialty filter: an exact code, or names (display name, classification or
/// specialization) matching case-insensitively. $1 the filter text.
inline constexpr db::Statement kSpecialtyCodes{"phys_specialty_codes", R"sql(
SELECT coalesce(array_agg(code ORDER BY code), '{}')::text
  FROM ref.taxonomy
 WHERE removed_at IS NULL
   AND (code = upper($1) OR lower(display_name) = lower($1) OR lower(classification) = lower($1)
        OR lower(specialization) = lower($1)))sql"};

/// Specialties with physician counts (for pickers). Computed once per data version and cached.
inline constexpr db::Statement kSpecialties{"phys_specialties", R"sql(
SELECT coalesce(json_agg(json_build_object('code', s.code, 'name', s.name, 'grouping', s.grouping,
                                           'classification', s.classification, 'specialization', s.specialization,
                                           'physicians', s.n) ORDER BY s.n DESC, s.name), '[]'::json)::text
  FROM (SELECT x.code, coalesce(x.display_name, x.classification) AS name, x.grouping, x.classification,
               x.specialization, count(DISTINCT t.npi) AS n
          FROM ref.physician_taxonomy t JOIN ref.taxonomy x ON x.code = t.taxonomy_code
         GROUP BY x.code) s)sql"};

/// One facility with a page of affiliated physicians. $1 ccn, $2 after-NPI cursor (or NULL), $3 limit + 1.
/// Columns: the facility (at most limit physicians) and the last NPI shown when another page follows (or NULL).
inline constexpr db::Statement kFacility{"phys_facility", R"sql(
SELECT json_build_object(
  'ccn', f.ccn, 'name', f.name, 'address', f.address, 'city', f.city, 'state', f.state,
  'postal_code', f.postal_code, 'county', f.county, 'phone', f.phone, 'hospital_type', f.hospital_type,
  'ownership', f.ownership, 'emergency_services', f.emergency_services, 'overall_rating', f.overall_rating,
  'source', (SELECT json_build_object('dataset', d.dataset, 'release', d.release_label, 'load_id', d.load_id,
                                      'loaded_at', d.finished_at) FROM ref.dataset_load d WHERE d.load_id = f.release_id),
  'physicians', (SELECT coalesce(json_agg(json_build_object(
        'npi', p.npi::text,
        'name', CASE WHEN p.entity_type = 2 THEN p.org_name ELSE concat_ws(' ', p.first_name, p.last_name) END,
        'credential', p.credential, 'facility_type', nullif(af.facility_type, '')) ORDER BY af.npi)
        FILTER (WHERE af.n < $3::int), '[]'::json)
      FROM (SELECT *, row_number() OVER (ORDER BY npi) AS n
              FROM (SELECT DISTINCT ON (npi) npi, facility_type FROM ref.affiliation
                     WHERE ccn = f.ccn AND removed_at IS NULL AND ($2::bigint IS NULL OR npi > $2::bigint)
                     ORDER BY npi LIMIT $3::int) a) af
      LEFT JOIN ref.physician p ON p.npi = af.npi)
)::text,
  (SELECT (max(npi) FILTER (WHERE n = $3::int - 1))::text
     FROM (SELECT npi, row_number() OVER (ORDER BY npi) AS n
             FROM (SELECT DISTINCT npi FROM ref.affiliation
                    WHERE ccn = f.ccn AND removed_at IS NULL AND ($2::bigint IS NULL OR npi > $2::bigint)
                    ORDER BY npi LIMIT $3::int) a) b
    HAVING count(*) = $3::int) AS next_after_npi
  FROM ref.facility f WHERE f.ccn = $1 AND f.removed_at IS NULL)sql"};

/// Facilities nearest a point, located by their ZIP centroid. $1 lng, $2 lat, $3 radius (m), $4 limit.
inline constexpr db::Statement kFacilitiesNearby{"phys_facilities_nearby", R"sql(
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography AS g),
near AS (
  SELECT f.ccn, z.lat, z.lng, ST_Distance(z.geog, pt.g) AS dist
    FROM ref.facility f JOIN ref.zcta z ON z.zip5 = left(f.postal_code, 5), pt
   WHERE f.removed_at IS NULL AND ST_DWithin(z.geog, pt.g, $3::float8)
   ORDER BY dist, f.ccn
   LIMIT $4::int
)
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
  'type', 'Feature',
  'geometry', json_build_object('type', 'Point', 'coordinates',
                                json_build_array(round(n.lng::numeric, 6), round(n.lat::numeric, 6))),
  'properties', json_build_object('ccn', f.ccn, 'name', f.name, 'city', f.city, 'state', f.state,
                                  'hospital_type', f.hospital_type, 'overall_rating', f.overall_rating,
                                  'geocode_quality', 'zip_centroid', 'distance_m', round(n.dist::numeric, 1)))
  ORDER BY n.dist, n.ccn), '[]'::json))::text
  FROM near n JOIN ref.facility f ON f.ccn = n.ccn)sql"};

/// A ZIP's centroid from the Census ZCTA gazetteer, with the city and state its practice addresses mostly
/// give (NULL when no practice there). $1 zip5.
inline constexpr db::Statement kZip{"phys_zip", R"sql(
SELECT json_build_object('zip', z.zip5, 'lat', round(z.lat::numeric, 6), 'lng', round(z.lng::numeric, 6),
         'city', c.city, 'state', c.state, 'addresses', coalesce(c.n, 0),
         'source', (SELECT json_build_object('dataset', d.dataset, 'release', d.release_label, 'load_id', d.load_id,
                                             'loaded_at', d.finished_at)
                      FROM ref.dataset_load d WHERE d.load_id = z.release_id))::text
  FROM ref.zcta z
  LEFT JOIN LATERAL (
    SELECT upper(a.city) AS city, a.state, sum(count(*)) OVER () AS n
      FROM ref.physician_address a
     WHERE a.zip5 = z.zip5 AND a.removed_at IS NULL AND a.city IS NOT NULL
     GROUP BY upper(a.city), a.state ORDER BY count(*) DESC, upper(a.city) LIMIT 1) c ON true
 WHERE z.zip5 = $1 AND z.removed_at IS NULL)sql"};

/// The caller's organisation's corrections still in force for one NPI ($1), as a JSON object (crm module,
/// migration 0030); run inside the caller's tenant transaction.
inline constexpr db::Statement kOrgOverlay{"phys_org_overlay", "SELECT crm.physician_overlay($1::bigint)::text"};
/// The counter every write to crm.physician_override bumps (migration 0034).
inline constexpr db::Statement kOverrideEpoch{"phys_override_epoch", "SELECT n FROM crm.override_epoch"};
/// NPIs with live corrections the caller can see (in the caller's RLS transaction), as a text array.
inline constexpr db::Statement kOverrideNpis{
    "phys_override_npis",
    "SELECT coalesce(array_agg(DISTINCT npi ORDER BY npi), '{}')::text FROM crm.physician_override "
    "WHERE org_id = crm.current_org() AND deleted_at IS NULL"};

/// Whether an NPI exists (detail lists answer 404 for unknown NPIs, not an empty list).
inline constexpr db::Statement kNpiExists{"phys_npi_exists", "SELECT 1 FROM ref.physician WHERE npi = $1::bigint"};

// Detail lists of one NPI ($1). $2 year filter (or NULL), $3 sort field, $4 descending, $5 offset, $6 limit + 1.
// Columns: the page (at most limit rows, as the database formats them) and whether another page follows.
// Lists per NPI are short (tens to a few hundred rows), so sorting in memory is cheap; the cursor is an
// offset bound to the data version, so a new release invalidates it instead of skipping rows.

inline constexpr db::Statement kPrescriptions{"phys_prescriptions", R"sql(
SELECT coalesce(json_agg(r ORDER BY ord) FILTER (WHERE n < $6::int), '[]'::json)::text, count(*) = $6::int
  FROM (SELECT x.*, row_number() OVER (ORDER BY ord) AS n FROM (
  SELECT json_build_object('year', d.data_year, 'brand_name', d.brand_name, 'generic_name', d.generic_name,
           'claims', d.tot_clms, 'fills_30day', d.tot_30day_fills, 'day_supply', d.tot_day_suply,
           'cost_cents', d.tot_drug_cst_cents, 'currency', 'USD', 'beneficiaries', d.tot_benes,
           'ge65_claims', d.ge65_tot_clms, 'ge65_suppression', d.ge65_sprsn_flag) AS r,
         row_number() OVER (ORDER BY
           CASE WHEN NOT $4::bool THEN CASE $3 WHEN 'claims' THEN d.tot_clms::float8 WHEN 'cost' THEN d.tot_drug_cst_cents::float8
                                          WHEN 'year' THEN d.data_year::float8 END END ASC NULLS LAST,
           CASE WHEN $4::bool THEN CASE $3 WHEN 'claims' THEN d.tot_clms::float8 WHEN 'cost' THEN d.tot_drug_cst_cents::float8
                                      WHEN 'year' THEN d.data_year::float8 END END DESC NULLS LAST,
           CASE WHEN $3 = 'drug' AND NOT $4::bool THEN d.brand_name END ASC,
           CASE WHEN $3 = 'drug' AND $4::bool THEN d.brand_name END DESC,
           d.data_year DESC, d.brand_name, d.generic_name) AS ord
    FROM ref.partd_drug d
   WHERE d.npi = $1::bigint AND d.removed_at IS NULL AND ($2::int IS NULL OR d.data_year = $2::int)
   ORDER BY ord OFFSET $5::int LIMIT $6::int) x) y)sql"};

inline constexpr db::Statement kServices{"phys_services", R"sql(
SELECT coalesce(json_agg(r ORDER BY ord) FILTER (WHERE n < $6::int), '[]'::json)::text, count(*) = $6::int
  FROM (SELECT x.*, row_number() OVER (ORDER BY ord) AS n FROM (
  SELECT json_build_object('year', s.data_year, 'hcpcs_code', s.hcpcs_code, 'description', s.hcpcs_desc,
           'place_of_service', s.place_of_service, 'drug', s.hcpcs_drug, 'services', s.tot_srvcs,
           'beneficiaries', s.tot_benes, 'avg_submitted_charge_cents', round(s.avg_sbmtd_chrg * 100)::bigint,
           'avg_allowed_cents', round(s.avg_mdcr_alowd_amt * 100)::bigint,
           'avg_payment_cents', round(s.avg_mdcr_pymt_amt * 100)::bigint, 'currency', 'USD') AS r,
         row_number() OVER (ORDER BY
           CASE WHEN NOT $4::bool THEN CASE $3 WHEN 'services' THEN s.tot_srvcs WHEN 'beneficiaries' THEN s.tot_benes::float8
                                          WHEN 'payment' THEN s.avg_mdcr_pymt_amt * s.tot_srvcs
                                          WHEN 'year' THEN s.data_year::float8 END END ASC NULLS LAST,
           CASE WHEN $4::bool THEN CASE $3 WHEN 'services' THEN s.tot_srvcs WHEN 'beneficiaries' THEN s.tot_benes::float8
                                      WHEN 'payment' THEN s.avg_mdcr_pymt_amt * s.tot_srvcs
                                      WHEN 'year' THEN s.data_year::float8 END END DESC NULLS LAST,
           CASE WHEN $3 = 'hcpcs_code' AND NOT $4::bool THEN s.hcpcs_code END ASC,
           CASE WHEN $3 = 'hcpcs_code' AND $4::bool THEN s.hcpcs_code END DESC,
           s.data_year DESC, s.hcpcs_code, s.place_of_service) AS ord
    FROM ref.partb_service s
   WHERE s.npi = $1::bigint AND s.removed_at IS NULL AND ($2::int IS NULL OR s.data_year = $2::int)
   ORDER BY ord OFFSET $5::int LIMIT $6::int) x) y)sql"};

inline constexpr db::Statement kPayments{"phys_payments", R"sql(
SELECT coalesce(json_agg(r ORDER BY ord) FILTER (WHERE n < $6::int), '[]'::json)::text, count(*) = $6::int
  FROM (SELECT x.*, row_number() OVER (ORDER BY ord) AS n FROM (
  SELECT json_build_object('record_id', o.record_id, 'year', o.program_year, 'kind', o.payment_kind,
           'payer', o.payer_name, 'amount_cents', o.amount_cents, 'currency', 'USD', 'date', o.payment_date,
           'payments', o.number_of_payments, 'form', o.form_of_payment, 'nature', o.nature_of_payment,
           'product_type', o.product_type_1, 'product_category', o.product_category_1,
           'product', o.product_name_1, 'dispute_status', o.dispute_status) AS r,
         row_number() OVER (ORDER BY
           CASE WHEN NOT $4::bool THEN CASE $3 WHEN 'amount' THEN o.amount_cents::float8
                                          WHEN 'date' THEN extract(epoch FROM o.payment_date)::float8
                                          WHEN 'year' THEN o.program_year::float8 END END ASC NULLS LAST,
           CASE WHEN $4::bool THEN CASE $3 WHEN 'amount' THEN o.amount_cents::float8
                                      WHEN 'date' THEN extract(epoch FROM o.payment_date)::float8
                                      WHEN 'year' THEN o.program_year::float8 END END DESC NULLS LAST,
           CASE WHEN $3 = 'payer' AND NOT $4::bool THEN o.payer_name END ASC,
           CASE WHEN $3 = 'payer' AND $4::bool THEN o.payer_name END DESC,
           o.payment_date DESC NULLS LAST, o.record_id) AS ord
    FROM ref.open_payment o
   WHERE o.npi = $1::bigint AND o.removed_at IS NULL AND ($2::int IS NULL OR o.program_year = $2::int)
   ORDER BY ord OFFSET $5::int LIMIT $6::int) x) y)sql"};

/// The statements behind the read endpoints, by name, for `rounds bench sql` (pgbench runs them as the API does).
inline constexpr db::Statement kBenchStatements[] = {kProfile, kSearchOne, kSearchMany, kNearby, kFacilitiesNearby};

}  // namespace rounds::physicians::sql
