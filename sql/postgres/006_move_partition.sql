-- gppart.move_partition: one partition to another tablespace (hot → warm).
--
-- Locks: SHARE UPDATE EXCLUSIVE on the parent (ONLY) before the checks: it keeps other DDL
-- (detach, drop, attach, another gppart step) off the table while reads and writes of the other
-- partitions go on. The partition is counted under SHARE (its readers go on) and then copied
-- under ACCESS EXCLUSIVE, which SET TABLESPACE takes anyway: queries that touch this partition
-- wait for the copy.
-- Only the table moves; its indexes stay where they are (as with ALTER TABLE … SET TABLESPACE).
CREATE OR REPLACE FUNCTION gppart.move_partition(
  p_schema text, p_table text, p_partition_schema text, p_partition text,
  p_start text, p_end text, p_tablespace text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_child regclass;
  v_target text;
  v_before bigint;
  v_after bigint;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE', v_key.parent);
  v_child := gppart._check_bounds(v_label, v_key.parent, v_key.key_type, p_partition_schema, p_partition, p_start, p_end);
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = v_child) <> 'r' THEN
    PERFORM gppart._raise(v_label, format('partition %s is not a plain table', v_child));
  END IF;
  IF p_tablespace IS NULL THEN
    SELECT t.spcname INTO v_target
      FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace
     WHERE d.datname = current_database();
  ELSE
    PERFORM gppart._tablespace_clause(v_label, p_tablespace);
    v_target := p_tablespace;
  END IF;
  -- Counted under SHARE (readers go on, writers wait), then ACCESS EXCLUSIVE for the copy itself.
  EXECUTE format('LOCK TABLE %s IN SHARE MODE', v_child);
  v_before := gppart._count(v_child);
  EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', v_child);
  EXECUTE format('ALTER TABLE %s SET TABLESPACE %I', v_child, v_target);
  v_after := gppart._count(v_child);
  IF v_before <> v_after THEN
    PERFORM gppart._raise(v_label, format('row counts differ after moving %s (%s before, %s after); rolled back',
      v_child, v_before, v_after));
  END IF;
  RETURN v_after;
END $$;
