-- Task reminders (issue #8). A task's reminder is due once remind_at has passed (while the task is open or in
-- progress) until its assignee acknowledges it. The worker's sweep (job crm.task_reminders) stamps
-- reminder_due_at on reminders that became due, once each: that is where notifications will plug in. Changing
-- remind_at re-arms the reminder.
ALTER TABLE crm.task ADD COLUMN reminder_due_at timestamptz,
                     ADD COLUMN reminder_acknowledged_at timestamptz;
CREATE INDEX task_reminder_due_idx ON crm.task (org_id, owner_id, remind_at, id)
    WHERE remind_at IS NOT NULL AND reminder_acknowledged_at IS NULL AND deleted_at IS NULL;
CREATE INDEX task_reminder_sweep_idx ON crm.task (remind_at)
    WHERE remind_at IS NOT NULL AND reminder_due_at IS NULL AND deleted_at IS NULL;

CREATE OR REPLACE FUNCTION crm.task_reminder_rearm() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.remind_at IS DISTINCT FROM OLD.remind_at THEN
        NEW.reminder_due_at := NULL;
        NEW.reminder_acknowledged_at := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER task_reminder_rearm BEFORE UPDATE OF remind_at ON crm.task
    FOR EACH ROW EXECUTE FUNCTION crm.task_reminder_rearm();

-- The sweep: marks up to p_limit reminders that became due, across organisations, and returns them (the worker
-- connects as the schema owner in admin mode, like the other jobs).
CREATE OR REPLACE FUNCTION crm.sweep_task_reminders(p_limit int)
    RETURNS TABLE (org_id uuid, task_id uuid, owner_id uuid, title text, remind_at timestamptz)
    LANGUAGE sql AS $$
    WITH due AS (
        SELECT t.org_id, t.id FROM crm.task t
        WHERE t.remind_at IS NOT NULL AND t.remind_at <= now() AND t.reminder_due_at IS NULL
          AND t.deleted_at IS NULL AND t.status IN ('open', 'in_progress')
        ORDER BY t.remind_at LIMIT p_limit FOR UPDATE SKIP LOCKED)
    UPDATE crm.task t SET reminder_due_at = now() FROM due
    WHERE t.org_id = due.org_id AND t.id = due.id
    RETURNING t.org_id, t.id, t.owner_id, t.title, t.remind_at
$$;
