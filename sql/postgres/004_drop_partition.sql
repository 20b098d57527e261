-- gppart.drop_partition: retention. Drops one partition whose bounds the caller states exactly.
--
-- Locks: SHARE ROW EXCLUSIVE on the parent (ONLY) and SHARE on the partition before the checks, so
-- the bounds verified are the bounds dropped and no writer can add a row between the count and
-- the drop; readers go on while the partition is counted. Then ACCESS EXCLUSIVE on the parent,
-- which DROP needs, for the drop alone.
CREATE OR REPLACE FUNCTION gppart.drop_partition(
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_child regclass;
  v_rows bigint;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE ROW EXCLUSIVE MODE', v_key.parent);
  v_child := gppart._check_bounds(v_label, v_key.parent, v_key.key_type, p_partition_schema, p_partition, p_start, p_end);
  EXECUTE format('LOCK TABLE %s IN SHARE MODE', v_child);
  v_rows := gppart._count(v_child);
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_key.parent);
  EXECUTE format('DROP TABLE %s', v_child);
  RETURN v_rows;
END $$;
