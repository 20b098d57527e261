-- No automatic ANALYZE inside a step. Greenplum 6 runs one after a statement that wrote rows when
-- gp_autostats_mode (top-level statements) or gp_autostats_mode_in_functions (statements inside a
-- function: every write of gppart's steps) says so. The latter is 'none' by default, but a DBA may
-- set it (on_no_stats, on_change) for the cluster, a database or a role; then, measured on 6.24.3,
-- a merge that sends rows to the DEFAULT analyzed the original DEFAULT table after appending them,
-- inside the step: sampling under the step's ACCESS EXCLUSIVE lock, and row counts written in
-- place in pg_class that stay if the step then rolls back (docs/architecture.md: never ANALYZE an
-- existing table inside a step). gppart analyzes what a step created after its COMMIT anyway.
-- (Measured: an INSERT through a partitioned parent never triggers it; an INSERT into a standalone
-- table, as into the held DEFAULT above, does. No effect with the default configuration, where
-- nothing is analyzed inside functions.)
--
-- A function-level SET holds for the call only: the setting never leaks into the rest of the
-- transaction or the session. A later migration that re-creates one of these functions with
-- CREATE OR REPLACE drops its SET and must add it back (test/greenplum6/autostats.test.ts checks).
-- The suite's PostgreSQL, which loads these files to parse the bodies, has no such setting.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_settings WHERE name = 'gp_autostats_mode_in_functions') THEN
    ALTER FUNCTION gppart.split_default(text, text, text[], text[], text[], text[], text)
      SET gp_autostats_mode_in_functions = 'none';
    ALTER FUNCTION gppart.merge_partitions(text, text, text[], text[], text[], text[], text[], text[], text)
      SET gp_autostats_mode_in_functions = 'none';
    ALTER FUNCTION gppart.move_partition(text, text, text, text, text, text, text)
      SET gp_autostats_mode_in_functions = 'none';
    ALTER FUNCTION gppart.purge_default(text, text, text, text, text)
      SET gp_autostats_mode_in_functions = 'none';
    ALTER FUNCTION gppart.unload_pxf(text, text, text, text, text, text, text, text, text)
      SET gp_autostats_mode_in_functions = 'none';
    ALTER FUNCTION gppart.unload_finish(text, text, text, text, text, text, text, text, bigint, text, bigint)
      SET gp_autostats_mode_in_functions = 'none';
    ALTER FUNCTION gppart.restore_finish(text, text, text, text, text, bigint, bigint)
      SET gp_autostats_mode_in_functions = 'none';
  END IF;
END $$;
