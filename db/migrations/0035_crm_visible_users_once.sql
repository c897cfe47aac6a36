-- crm.visible_user_ids() (0021) was a SQL function: PostgreSQL plans a SQL function's recursive query again on
-- every call (about 1 ms), and the row-level-security policies call it once per statement and policy (three to
-- five times for one CRM write, and per row through crm.can_see_owner). Now it is PL/pgSQL, whose plan is kept
-- by the connection, and the answer is remembered for the rest of the transaction in the transaction-local
-- setting rounds.visible_users, stored with the org, user and role it was computed for (a transaction that sets
-- other ones computes again). Any write to crm.app_user in the transaction forgets it (a manager change takes
-- effect in the very next statement, as before).
CREATE OR REPLACE FUNCTION crm.visible_user_ids() RETURNS uuid[]
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    caller text := coalesce(current_setting('rounds.org_id', true), '') || '/' ||
                   coalesce(current_setting('rounds.user_id', true), '') || '/' ||
                   coalesce(current_setting('rounds.role', true), '') || '=';
    remembered text := current_setting('rounds.visible_users', true);
    team_ids uuid[];
BEGIN
    IF remembered IS NOT NULL AND starts_with(remembered, caller) THEN
        RETURN substr(remembered, length(caller) + 1)::uuid[];
    END IF;
    WITH RECURSIVE team(id, depth) AS (
        SELECT crm.current_user_id(), 0
        UNION ALL
        SELECT u.id, team.depth + 1 FROM crm.app_user u JOIN team ON u.manager_id = team.id
        WHERE crm.current_app_role() IN ('manager', 'admin') AND u.org_id = crm.current_org() AND team.depth < 64)
    SELECT coalesce(array_agg(DISTINCT id), '{}') INTO team_ids FROM team WHERE id IS NOT NULL;
    PERFORM set_config('rounds.visible_users', caller || team_ids::text, true);
    RETURN team_ids;
END $$;

CREATE OR REPLACE FUNCTION crm.forget_visible_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('rounds.visible_users', '', true);
    RETURN NULL;
END $$;

CREATE TRIGGER app_user_forget_visible_users AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON crm.app_user
    FOR EACH STATEMENT EXECUTE FUNCTION crm.forget_visible_users();
