-- pgbench reference for bench/crm.sh: the same rows a logged visit writes (call, sample line, lot deduction,
-- ledger line, spend item, recipient), in one transaction, through the same triggers and row-level security,
-- without HTTP, JSON or validation. Run as the owner role in its admin mode.
\set n random(1, 2000000000)
SELECT org, user_id, lot, product, npi FROM public.bench_crm_rep WHERE i = :client_id % 100 \gset
BEGIN;
SELECT set_config('rounds.admin', 'on', true), set_config('rounds.org_id', :org, true),
       set_config('rounds.user_id', :user_id, true), set_config('rounds.role', 'rep', true);
INSERT INTO crm.call (org_id, owner_id, npi, starts_at, channel, products, key_messages, notes, client_id,
                      created_by, updated_by)
VALUES (:org, :user_id, :npi, now(), 'in_person', ARRAY[:product::uuid], '{efficacy}', 'bench visit',
        'pgb-' || :client_id || '-' || :n, :user_id, :user_id) RETURNING id AS call_id \gset
UPDATE crm.sample_lot SET on_hand = on_hand - 1 WHERE org_id = :org AND id = :lot AND on_hand >= 1;
INSERT INTO crm.call_sample (org_id, owner_id, call_id, product_id, lot_id, quantity, created_by, updated_by)
VALUES (:org, :user_id, :call_id, :product, :lot, 1, :user_id, :user_id);
INSERT INTO crm.sample_txn (org_id, owner_id, lot_id, kind, quantity, call_id, created_by, updated_by)
VALUES (:org, :user_id, :lot, 'dropped', 1, :call_id, :user_id, :user_id);
INSERT INTO crm.spend_item (org_id, owner_id, call_id, kind, nature, amount, attendee_count, spent_on, created_by,
                            updated_by)
VALUES (:org, :user_id, :call_id, 'meal', 'Food and Beverage', 18.5, 1, current_date, :user_id, :user_id)
RETURNING id AS item_id \gset
INSERT INTO crm.spend_recipient (org_id, owner_id, spend_item_id, npi, amount, state, created_by, updated_by)
VALUES (:org, :user_id, :item_id, :npi, 18.5, 'CA', :user_id, :user_id);
COMMIT;
