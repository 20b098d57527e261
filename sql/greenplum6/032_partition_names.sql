-- Partition names on Greenplum 6 (issue 8 #4): the child table of partition <name> is
-- <table>_1_prt_<name> with the table part cut, in whole characters, so the whole fits 63 bytes —
-- what Greenplum itself does. Long table names no longer make every split and merge fail; the
-- "taken" check looks at the child table Greenplum will really create.

-- The child table name Greenplum 6 gives partition p_name of p_table.
CREATE OR REPLACE FUNCTION gppart._gp6_child_name(p_table text, p_name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_prefix text := p_table;
BEGIN
  WHILE v_prefix <> '' AND octet_length(v_prefix || '_1_prt_' || p_name) > 63 LOOP
    v_prefix := left(v_prefix, -1);
  END LOOP;
  RETURN v_prefix || '_1_prt_' || p_name;
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
  v_child text;
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
    -- GP6 names the child <table>_1_prt_<name>; a full child name is accepted and cut back to <name>.
    v_name := p_names[i];
    IF v_name IS NULL OR v_name = '' THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'partition names must not be empty'); END IF;
    IF left(v_name, length(p_table || '_1_prt_')) = p_table || '_1_prt_' AND length(v_name) > length(p_table || '_1_prt_') THEN
      v_name := substr(v_name, length(p_table || '_1_prt_') + 1);
    END IF;
    -- Greenplum cuts the table part of a long child name, but needs at least a byte of it: with a
    -- longer partition name it builds a broken name and fails the statement.
    IF octet_length('_1_prt_' || v_name) >= 63 THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s is too long: its child table %s_1_prt_%s needs part of the table name within 63 bytes', v_name, p_table, v_name));
    END IF;
    v_child := gppart._gp6_child_name(p_table, v_name);
    IF v_name = ANY (v_names) THEN PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s given twice', v_name)); END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule WHERE paroid = p_paroid AND parname = v_name
                AND NOT (parchildrelid = ANY (p_sources))) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s is already taken', v_name));
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = p_schema AND c.relname = v_child AND NOT (c.oid = ANY (p_sources))) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('name %I.%I of the child table for partition %s is taken', p_schema, v_child, v_name));
    END IF;
    IF p_tablespaces[i] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = p_tablespaces[i]) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %s does not exist', p_tablespaces[i]));
    END IF;
    v_names := v_names || v_name;
  END LOOP;
  RETURN v_names;
END $$;
