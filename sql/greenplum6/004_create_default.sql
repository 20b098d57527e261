-- gppart.create_default (Greenplum 6): default_partition: ensure — gives a table with no DEFAULT
-- partition one, so a row outside every partition lands there instead of failing its INSERT.
-- `ADD DEFAULT PARTITION name` (ALTER TABLE reference, partition_action); the child table is named
-- <table>_1_prt_<name> by Greenplum. Empty: nothing is scanned or moved.
CREATE OR REPLACE FUNCTION gppart.create_default(p_schema text, p_table text, p_name text, p_tablespace text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  EXECUTE format('LOCK TABLE %I.%I IN ACCESS EXCLUSIVE MODE', p_schema, p_table);
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule r WHERE r.paroid = t.paroid AND r.parisdefault) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'already has a DEFAULT partition');
  END IF;
  IF p_name IS NULL OR p_name = '' THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'the DEFAULT partition needs a name');
  END IF;
  IF p_tablespace IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = p_tablespace) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %I does not exist', p_tablespace));
  END IF;
  EXECUTE format('ALTER TABLE %I.%I ADD DEFAULT PARTITION %I%s', p_schema, p_table, p_name,
    CASE WHEN p_tablespace IS NULL THEN '' ELSE format(' TABLESPACE %I', p_tablespace) END);
  RETURN 0;
END $$;
