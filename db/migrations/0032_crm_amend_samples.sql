-- Amendments may correct the samples of a submitted call (issue #8). The ledger stays append-only: a corrected
-- drop is reversed by a 'dropped' line with a negative quantity (tied to the call, with a reason), so
-- received - dropped - returned + adjusted still equals on hand and "dropped" still equals the samples on calls.
ALTER TABLE crm.sample_txn DROP CONSTRAINT sample_txn_check;
ALTER TABLE crm.sample_txn ADD CONSTRAINT sample_txn_check CHECK (
    quantity <> 0 AND (kind = 'adjusted' OR quantity > 0
                       OR (kind = 'dropped' AND call_id IS NOT NULL AND reason IS NOT NULL)));
