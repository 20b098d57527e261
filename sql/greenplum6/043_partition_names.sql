-- Partition names on Greenplum 6 (docs/greenplum6.md, "Child table names"). Greenplum forms a new
-- partition's child table name like PostgreSQL's ChooseRelationName("<table>", "1", "prt_<name>"):
-- "<table>_1_prt_<name>", cutting the table part (then the "1") short to fit 63 bytes, and adding a
-- digit when the name is taken. It breaks for partition names over 56 bytes (the child name would
-- lose the table part entirely, then exceed 63 bytes: "relation … does not exist" or "already
-- exists"). gppart's old check refused any "<table>_1_prt_<name>" over 63 bytes, so every split or
-- merge of a table named longer than ~23 bytes failed although Greenplum would have shortened it.
-- The checks of new ranges (_gp6_check_new, 044) use this one and look only at partition names.

CREATE OR REPLACE FUNCTION gppart._gp6_check_partition_name(p_schema text, p_table text, p_name text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF octet_length(p_name) > 56 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format(
      'partition name %s is %s bytes; Greenplum 6 cannot form a child table name from a partition name longer than 56 bytes',
      p_name, octet_length(p_name)));
  END IF;
END $$;

-- create_default with the same partition-name check (ADD DEFAULT PARTITION names its child the same
-- way), and with the parent's storage options (ADD DEFAULT PARTITION without WITH makes a heap
-- table even under an append-optimized parent).
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
  PERFORM gppart._gp6_check_partition_name(p_schema, p_table, p_name);
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule r WHERE r.paroid = t.paroid AND r.parname = p_name) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s is already taken', p_name));
  END IF;
  IF p_tablespace IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = p_tablespace) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %I does not exist', p_tablespace));
  END IF;
  EXECUTE format('ALTER TABLE %I.%I ADD DEFAULT PARTITION %I %s %s', p_schema, p_table, p_name, gppart._gp6_reloptions(t.relid),
    CASE WHEN p_tablespace IS NULL THEN '' ELSE format('TABLESPACE %I', p_tablespace) END);
  RETURN 0;
END $$;
