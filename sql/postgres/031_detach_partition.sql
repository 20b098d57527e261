-- gppart.detach_partition: retention mode detach — takes one partition, whose bounds the caller
-- states exactly, out of the table and keeps it as a plain table of the same name, in its schema
-- or in p_target_schema. Returns the rows it holds.
--
-- Locks: SHARE ROW EXCLUSIVE on the parent (ONLY) and SHARE on the partition for the checks and
-- the count (readers go on, no writer can add a row to it meanwhile), then ACCESS EXCLUSIVE on the
-- parent, which DETACH PARTITION needs, for the detach and the schema change alone.
CREATE OR REPLACE FUNCTION gppart.detach_partition(
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text,
  p_target_schema text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_child regclass;
  v_rows bigint;
  v_after bigint;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE ROW EXCLUSIVE MODE', v_key.parent);
  v_child := gppart._check_bounds(v_label, v_key.parent, v_key.key_type, p_partition_schema, p_partition, p_start, p_end);
  IF p_target_schema IS NOT NULL AND p_target_schema <> p_partition_schema THEN
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = p_target_schema) THEN
      PERFORM gppart._raise(v_label, format('schema %I does not exist', p_target_schema));
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = p_target_schema AND c.relname = p_partition) THEN
      PERFORM gppart._raise(v_label, format('name %I.%I is taken', p_target_schema, p_partition));
    END IF;
  END IF;
  EXECUTE format('LOCK TABLE %s IN SHARE MODE', v_child);
  v_rows := gppart._count(v_child);
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_key.parent);
  EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', v_key.parent, v_child);
  IF p_target_schema IS NOT NULL AND p_target_schema <> p_partition_schema THEN
    EXECUTE format('ALTER TABLE %s SET SCHEMA %I', v_child, p_target_schema);
  END IF;
  v_after := gppart._count(v_child);
  IF v_after <> v_rows THEN
    PERFORM gppart._raise(v_label, format('row counts do not add up (%s rows before the detach, %s after); rolled back', v_rows, v_after));
  END IF;
  RETURN v_rows;
END $$;
