-- gppart.purge_default: default_partition expired_rows: purge — deletes the DEFAULT partition's
-- rows whose key is before p_before (older than retention), which dropping partitions never
-- removes. Returns the rows deleted.
--
-- Locks: SHARE UPDATE EXCLUSIVE on the parent (ONLY: no DDL on the table meanwhile) and SHARE ROW
-- EXCLUSIVE on the DEFAULT for the whole step: writers to the DEFAULT wait, so the count before
-- and the delete see the same rows; readers, and writers to every other partition, go on.
-- Verification: the rows deleted equal the rows counted before, and none is left before p_before.
-- Rows with a NULL key are not older than anything and stay.
CREATE OR REPLACE FUNCTION gppart.purge_default(
  p_schema text, p_table text, p_default_schema text, p_default text, p_before text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_default regclass;
  v_child regclass;
  v_predicate text;
  v_expected bigint;
  v_deleted bigint;
  v_left bigint;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE', v_key.parent);
  v_child := gppart._child_of(v_label, v_key.parent, p_default_schema, p_default);
  SELECT pt.partdefid::regclass INTO v_default FROM pg_partitioned_table pt WHERE pt.partrelid = v_key.parent AND pt.partdefid <> 0;
  IF v_default IS DISTINCT FROM v_child THEN
    PERFORM gppart._raise(v_label, format('%I.%I is not the DEFAULT partition', p_default_schema, p_default));
  END IF;
  IF p_before IS NULL OR upper(btrim(p_before)) IN ('MINVALUE', 'MAXVALUE') THEN
    PERFORM gppart._raise(v_label, 'purge needs a finite bound: rows before it are deleted');
  END IF;
  PERFORM gppart._axis(v_label, v_key.key_type, p_before);
  EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', v_child);
  v_predicate := format('%I < %s', v_key.key_column, gppart._bound_sql(v_key.key_type, p_before));
  EXECUTE format('SELECT count(*) FROM %s WHERE %s', v_child, v_predicate) INTO v_expected;
  EXECUTE format('DELETE FROM %s WHERE %s', v_child, v_predicate);
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  EXECUTE format('SELECT count(*) FROM %s WHERE %s', v_child, v_predicate) INTO v_left;
  IF v_deleted <> v_expected OR v_left <> 0 THEN
    PERFORM gppart._raise(v_label, format('row counts do not add up (%s rows before %s counted, %s deleted, %s left); rolled back',
      v_expected, p_before, v_deleted, v_left));
  END IF;
  RETURN v_deleted;
END $$;
