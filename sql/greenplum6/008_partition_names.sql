-- Partition names on Greenplum 6 (docs/greenplum6.md, "Child table names"). Greenplum forms a new
-- partition's child table name like PostgreSQL's ChooseRelationName("<table>", "1", "prt_<name>"):
-- "<table>_1_prt_<name>", cutting the table part (then the "1") short to fit 63 bytes, and adding a
-- digit when the name is taken. It breaks for partition names over 56 bytes (the child name would
-- lose the table part entirely, then exceed 63 bytes: "relation … does not exist" or "already
-- exists"). gppart's old check refused any "<table>_1_prt_<name>" over 63 bytes, so every split or
-- merge of a table named longer than ~23 bytes failed although Greenplum would have shortened it.

CREATE OR REPLACE FUNCTION gppart._gp6_check_partition_name(p_schema text, p_table text, p_name text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF octet_length(p_name) > 56 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format(
      'partition name %s is %s bytes; Greenplum 6 cannot form a child table name from a partition name longer than 56 bytes',
      p_name, octet_length(p_name)));
  END IF;
END $$;

-- Checks of the new ranges shared by split_default and merge_partitions: arrays line up, every
-- range is finite and non-empty, new ranges overlap neither each other nor any partition that is
-- not a source, names fit and are free, tablespaces exist. Returns the partition names to use.
CREATE OR REPLACE FUNCTION gppart._gp6_check_new(p_schema text, p_table text, p_paroid oid, p_keytype text,
  p_sources oid[], p_starts text[], p_ends text[], p_names text[], p_tablespaces text[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  v_n int := coalesce(array_length(p_starts, 1), 0);
  v_names text[] := '{}';
  v_name text;
  r record;
  b record;
  i int;
  j int;
BEGIN
  IF v_n = 0 OR v_n <> coalesce(array_length(p_ends, 1), 0) OR v_n <> coalesce(array_length(p_names, 1), 0)
     OR v_n <> coalesce(array_length(p_tablespaces, 1), 0) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'p_starts, p_ends, p_names and p_tablespaces must have the same length >= 1');
  END IF;
  FOR i IN 1 .. v_n LOOP
    IF upper(p_starts[i]) IN ('MINVALUE', 'MAXVALUE') OR upper(p_ends[i]) IN ('MINVALUE', 'MAXVALUE') THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, 'Greenplum 6 partitions made by gppart need finite bounds');
    END IF;
    IF gppart._gp6_cmp(p_keytype, p_starts[i], p_ends[i]) >= 0 THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('empty range [%s, %s)', p_starts[i], p_ends[i]));
    END IF;
    FOR j IN 1 .. i - 1 LOOP
      IF gppart._gp6_cmp(p_keytype, p_starts[i], p_ends[j]) < 0 AND gppart._gp6_cmp(p_keytype, p_starts[j], p_ends[i]) < 0 THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format('new ranges [%s, %s) and [%s, %s) overlap', p_starts[j], p_ends[j], p_starts[i], p_ends[i]));
      END IF;
    END LOOP;
    FOR r IN SELECT parchildrelid FROM pg_catalog.pg_partition_rule
              WHERE paroid = p_paroid AND parparentrule = 0 AND NOT parisdefault AND NOT (parchildrelid = ANY (p_sources)) LOOP
      SELECT * INTO b FROM gppart._gp6_bounds(p_paroid, r.parchildrelid, p_keytype);
      IF gppart._gp6_cmp(p_keytype, p_starts[i], b.r_to) < 0 AND gppart._gp6_cmp(p_keytype, b.r_from, p_ends[i]) < 0 THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format('new range [%s, %s) overlaps partition %s [%s, %s)',
          p_starts[i], p_ends[i], r.parchildrelid::regclass, b.r_from, b.r_to));
      END IF;
    END LOOP;
    -- A full child name <table>_1_prt_<name> is accepted and cut back to <name>.
    v_name := p_names[i];
    IF v_name IS NULL OR v_name = '' THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'partition names must not be empty'); END IF;
    IF left(v_name, length(p_table || '_1_prt_')) = p_table || '_1_prt_' AND length(v_name) > length(p_table || '_1_prt_') THEN
      v_name := substr(v_name, length(p_table || '_1_prt_') + 1);
    END IF;
    PERFORM gppart._gp6_check_partition_name(p_schema, p_table, v_name);
    IF v_name = ANY (v_names) THEN PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s given twice', v_name)); END IF;
    -- Only the partition name must be free: Greenplum picks a child table name that is.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule WHERE paroid = p_paroid AND parname = v_name
                AND NOT (parchildrelid = ANY (p_sources))) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s is already taken', v_name));
    END IF;
    IF p_tablespaces[i] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = p_tablespaces[i]) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %s does not exist', p_tablespaces[i]));
    END IF;
    v_names := v_names || v_name;
  END LOOP;
  RETURN v_names;
END $$;


-- create_default with the same partition-name check (ADD DEFAULT PARTITION names its child the same way).
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
