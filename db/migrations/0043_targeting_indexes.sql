-- Metric rows are rebuilt wholesale by every recompute, and every read reaches them through the primary key
-- (org, market, year, npi): the two secondary indexes of 0040 only slowed the inserts (sorted lists use a computed
-- key that no index serves).
DROP INDEX IF EXISTS mkt.market_metric_score_idx;
DROP INDEX IF EXISTS mkt.market_metric_npi_idx;
