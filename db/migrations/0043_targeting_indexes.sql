-- Metric rows are rebuilt wholesale by every recompute, and every read reaches them through the primary key
-- (org, market, year, npi): the two secondary indexes of 0040 only slowed the inserts (sorted lists use a computed
-- key that no index serves).
DROP INDEX IF EXISTS mkt.market_metric_score_idx;
DROP INDEX IF EXISTS mkt.market_metric_npi_idx;

-- Pending recomputes are looked up per territory and market read (recompute_pending, pending_recompute): a small
-- partial index keeps that independent of how many finished jobs ops.job holds.
CREATE INDEX IF NOT EXISTS job_markets_pending_idx ON ops.job ((payload->>'org_id'))
    WHERE kind = 'markets.recompute' AND status IN ('queued', 'running');
