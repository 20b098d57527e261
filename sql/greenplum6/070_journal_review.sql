-- Greenplum 6: the same as sql/postgres/070 (the constraints have the same generated names).
-- What an apply leaves for its reviewers (issue 10):
-- - applies.policy_text: the policy the apply ran with, so a plan can show what changed in the
--   policy since the last apply (gppart plan --format markdown);
-- - applies.status 'interrupted': stopped by SIGINT/SIGTERM; the running step was cancelled and
--   rolled back, the steps after it were not run;
-- - journal.status 'skipped' (not run: an earlier step of its table failed, or the apply was
--   interrupted; error says which), 'deferred' (not started: the run's budget was spent; the next
--   run goes on) and 'interrupted' (cancelled while running, rolled back).
ALTER TABLE gppart.applies ADD COLUMN policy_text text;

ALTER TABLE gppart.applies DROP CONSTRAINT applies_status_check;
ALTER TABLE gppart.applies ADD CONSTRAINT applies_status_check
  CHECK (status IN ('running', 'done', 'failed', 'partial', 'interrupted'));

ALTER TABLE gppart.journal DROP CONSTRAINT journal_status_check;
ALTER TABLE gppart.journal ADD CONSTRAINT journal_status_check
  CHECK (status IN ('started', 'done', 'failed', 'skipped', 'deferred', 'interrupted'));
