-- gppart.purge_default (Greenplum 6): default_partition expired_rows: purge — deletes the DEFAULT
-- partition's rows whose key is before p_before (older than retention). Returns the rows deleted.
--
-- Locks: SHARE UPDATE EXCLUSIVE on the parent (ONLY: no partition DDL meanwhile) and EXCLUSIVE on
-- the DEFAULT: writers to the DEFAULT wait, so the count before and the delete see the same rows;
-- readers, and writers to every other partition, go on. Rows with a NULL key stay.
CREATE OR REPLACE FUNCTION gppart.purge_default(p_schema text, p_table text, p_default_schema text,
  p_default text, p_before text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_default oid;
  v_named oid;
  v_predicate text;
  v_expected bigint;
  v_deleted bigint;
  v_left bigint;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %I.%I IN SHARE UPDATE EXCLUSIVE MODE', p_schema, p_table);
  SELECT r.parchildrelid INTO v_default FROM pg_catalog.pg_partition_rule r
   WHERE r.paroid = t.paroid AND r.parparentrule = 0 AND r.parisdefault;
  SELECT c.oid INTO v_named FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = p_default_schema AND c.relname = p_default;
  IF v_default IS NULL OR v_named IS DISTINCT FROM v_default THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('%I.%I is not the DEFAULT partition', p_default_schema, p_default));
  END IF;
  IF p_before IS NULL OR upper(btrim(p_before)) IN ('MINVALUE', 'MAXVALUE') THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'purge needs a finite bound: rows before it are deleted');
  END IF;
  BEGIN
    EXECUTE format('SELECT %L::%s', p_before, t.keytype);
  EXCEPTION WHEN data_exception THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('bound %L is not a valid %s', p_before, t.keytype));
  END;
  EXECUTE format('LOCK TABLE %I.%I IN EXCLUSIVE MODE', p_default_schema, p_default);
  v_predicate := format('%I < %L::%s', t.keycol, p_before, t.keytype);
  EXECUTE format('SELECT count(*) FROM %I.%I WHERE %s', p_default_schema, p_default, v_predicate) INTO v_expected;
  EXECUTE format('DELETE FROM %I.%I WHERE %s', p_default_schema, p_default, v_predicate);
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  EXECUTE format('SELECT count(*) FROM %I.%I WHERE %s', p_default_schema, p_default, v_predicate) INTO v_left;
  IF v_deleted <> v_expected OR v_left <> 0 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('row counts do not add up (%s rows before %s counted, %s deleted, %s left); rolled back',
      v_expected, p_before, v_deleted, v_left));
  END IF;
  RETURN v_deleted;
END $$;
