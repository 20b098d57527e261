-- gppart.drop_partition: retention. Drops one partition whose bounds the caller states exactly.
--
-- Lock: ACCESS EXCLUSIVE on the parent (ONLY) first, then on the partition. Dropping a partition
-- takes that lock on the parent anyway (its partition descriptor changes); taking it before the
-- checks means the bounds verified are the bounds dropped, and the row count returned is the
-- count dropped (no writer can add a row in between).
CREATE OR REPLACE FUNCTION gppart.drop_partition(
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_child regclass;
  v_rows bigint;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_key.parent);
  v_child := gppart._check_bounds(v_label, v_key.parent, v_key.key_type, p_partition_schema, p_partition, p_start, p_end);
  EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_child);
  v_rows := gppart._count(v_child);
  EXECUTE format('DROP TABLE %s', v_child);
  RETURN v_rows;
END $$;
