-- gppart.detach_partition (Greenplum 6) without _gp6_like_indexes: since 040, _gp6_new_table makes
-- the table exchanged in LIKE the parent INCLUDING INDEXES, every kind of index included. 031 then
-- built each index a second time, and refused a parent with an expression or partial index
-- ("gppart cannot build one like it for EXCHANGE") although the exchange no longer needs it.
-- Otherwise the same as 031.
CREATE OR REPLACE FUNCTION gppart.detach_partition(p_schema text, p_table text, p_partition_schema text,
  p_partition text, p_start text, p_end text, p_target_schema text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_child oid;
  v_rank bigint;
  v_hold text := 'gppart_' || txid_current()::text || '_detach';
  v_target text := coalesce(p_target_schema, p_partition_schema);
  v_rows bigint;
  v_after bigint;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  EXECUTE format('LOCK TABLE %I.%I IN EXCLUSIVE MODE', p_schema, p_table);
  v_child := gppart._gp6_child(t.paroid, p_schema, p_table, p_partition_schema, p_partition);
  PERFORM gppart._gp6_check_exact(t.paroid, t.keytype, v_child, p_schema, p_table, p_partition_schema, p_partition, p_start, p_end, 'detach');
  IF (SELECT relstorage FROM pg_catalog.pg_class WHERE oid = v_child) = 'x' THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('%I.%I is an external (unloaded) partition; gppart does not detach it', p_partition_schema, p_partition));
  END IF;
  IF v_target <> p_partition_schema THEN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = v_target) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('schema %I does not exist', v_target));
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = v_target AND c.relname = p_partition) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('name %I.%I is taken', v_target, p_partition));
    END IF;
  END IF;
  EXECUTE format('SELECT count(*) FROM %I.%I', p_partition_schema, p_partition) INTO v_rows;
  v_rank := gppart._gp6_rank(t.paroid, v_child);
  PERFORM gppart._gp6_new_table(t.relid, p_partition_schema, v_hold, gppart._gp6_reloptions(v_child), gppart._gp6_tablespace(v_child), v_child);
  EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION FOR (RANK(%s)) WITH TABLE %I.%I', p_schema, p_table, v_rank, p_partition_schema, v_hold);
  -- The rows are now in the relation named v_hold; the partition is the empty one.
  EXECUTE format('ALTER TABLE %I.%I DROP PARTITION FOR (RANK(%s))', p_schema, p_table, v_rank);
  EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', p_partition_schema, v_hold, p_partition);
  IF v_target <> p_partition_schema THEN
    EXECUTE format('ALTER TABLE %I.%I SET SCHEMA %I', p_partition_schema, p_partition, v_target);
  END IF;
  EXECUTE format('SELECT count(*) FROM %I.%I', v_target, p_partition) INTO v_after;
  IF v_after <> v_rows THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('row counts do not add up (%s rows before the detach, %s after); rolled back', v_rows, v_after));
  END IF;
  RETURN v_rows;
END $$;

DROP FUNCTION gppart._gp6_like_indexes(oid, text, text, text);
