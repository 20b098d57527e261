-- gppart.create_default: default_partition: ensure — gives a table with no DEFAULT partition one,
-- so a row outside every partition lands there instead of failing the writer's INSERT.
--
-- Lock: ACCESS EXCLUSIVE on the parent (ONLY), which CREATE TABLE … PARTITION OF … DEFAULT takes
-- anyway; taken before the checks. The new partition is empty: nothing is scanned or moved.
CREATE OR REPLACE FUNCTION gppart.create_default(
  p_schema text, p_table text, p_name text, p_tablespace text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_existing regclass;
  v_tablespace text;
  v_child regclass;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_key.parent);
  SELECT pt.partdefid::regclass INTO v_existing FROM pg_partitioned_table pt WHERE pt.partrelid = v_key.parent AND pt.partdefid <> 0;
  IF v_existing IS NOT NULL THEN
    PERFORM gppart._raise(v_label, format('already has a DEFAULT partition, %s', v_existing));
  END IF;
  IF p_name IS NULL OR p_name = '' THEN
    PERFORM gppart._raise(v_label, 'the DEFAULT partition needs a name');
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = p_schema AND c.relname = p_name) THEN
    PERFORM gppart._raise(v_label, format('name %I.%I is taken', p_schema, p_name));
  END IF;
  v_tablespace := gppart._tablespace_clause(v_label, p_tablespace);
  EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s DEFAULT%s', p_schema, p_name, v_key.parent, v_tablespace);
  v_child := format('%I.%I', p_schema, p_name)::regclass;
  PERFORM gppart._copy_owner_and_grants(v_key.parent, v_child);
  EXECUTE format('ANALYZE %s', v_child);
  RETURN 0;
END $$;
