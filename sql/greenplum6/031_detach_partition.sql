-- gppart.detach_partition (Greenplum 6): retention mode detach — takes one partition, whose bounds
-- the caller states exactly, out of the table and keeps its rows as a plain table named like the
-- partition's child table, in its schema or in p_target_schema. Returns the rows it holds.
--
-- Greenplum 6 cannot detach a partition. Metadata only, no row is copied: an empty table like the
-- partition (storage, tablespace, distribution, owner, grants, and an index like each of the
-- parent's, which EXCHANGE requires) is exchanged in, which swaps the two relations' names; the
-- partition, now empty, is dropped; the relation holding the rows takes the child table's name.
-- Lock: EXCLUSIVE on the parent for the checks and the count (readers go on), then ACCESS
-- EXCLUSIVE, which EXCHANGE and DROP PARTITION take.

-- Creates on p_schema.p_name an index like each index of p_parent (plain column indexes only;
-- EXCHANGE refuses a table without them).
CREATE OR REPLACE FUNCTION gppart._gp6_like_indexes(p_parent oid, p_schema text, p_table text, p_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT i.indexrelid, i.indisunique, am.amname::text AS am, i.indexprs IS NOT NULL OR i.indpred IS NOT NULL AS complex,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
              FROM generate_series(0, i.indnatts - 1) AS k(n)
              JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n]) AS cols
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_catalog.pg_am am ON am.oid = ic.relam
     WHERE i.indrelid = p_parent
     ORDER BY i.indexrelid
  LOOP
    IF r.complex THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('index %s has expressions or a predicate; gppart cannot build one like it for EXCHANGE', r.indexrelid::regclass));
    END IF;
    EXECUTE format('CREATE %sINDEX ON %I.%I USING %I (%s)', CASE WHEN r.indisunique THEN 'UNIQUE ' ELSE '' END, p_schema, p_name, r.am, r.cols);
  END LOOP;
END $$;

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
  PERFORM gppart._gp6_like_indexes(t.relid, p_schema, p_table, v_hold);
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
