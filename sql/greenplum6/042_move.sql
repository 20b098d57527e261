-- move_partition on Greenplum 6, second version:
-- - the size from which a partition is copied beside the live one (readers go on) instead of moved
--   by SET TABLESPACE (readers wait) is a setting, gppart.move_copy_threshold, in bytes (1 GiB
--   unless set for the database, role or session: ALTER DATABASE dw SET gppart.move_copy_threshold
--   = '268435456');
-- - the copy is loaded first and indexed after (one build per index instead of row-by-row
--   maintenance), with the partition's own indexes (made on the child rather than on the parent)
--   as well as the parent's, which EXCHANGE needs.

CREATE OR REPLACE FUNCTION gppart._gp6_move_copy_threshold() RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v text;
BEGIN
  BEGIN
    v := current_setting('gppart.move_copy_threshold');
  EXCEPTION WHEN undefined_object THEN
    RETURN 1073741824;
  END;
  IF v IS NULL OR btrim(v) = '' THEN RETURN 1073741824; END IF;
  IF v !~ E'^\\s*[0-9]{1,18}\\s*$' THEN
    RAISE EXCEPTION 'gppart: setting gppart.move_copy_threshold is %, not a number of bytes', quote_literal(v) USING ERRCODE = 'P0001';
  END IF;
  RETURN btrim(v)::bigint;
END $$;

-- An index's definition after "ON <table> ": "USING btree (v) WHERE …", the part two tables' like
-- indexes share. pg_get_indexdef prints the index and table names with quote_ident, the table
-- schema-qualified unless it is on the search_path.
CREATE OR REPLACE FUNCTION gppart._gp6_index_body(p_index oid) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_def text := pg_catalog.pg_get_indexdef(p_index);
  v_head text;
  r record;
BEGIN
  SELECT ic.relname AS idx, tc.relname AS tbl, tn.nspname AS nsp, i.indisunique AS uniq INTO r
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
   WHERE i.indexrelid = p_index;
  v_head := format('CREATE %sINDEX %s ON ', CASE WHEN r.uniq THEN 'UNIQUE ' ELSE '' END, quote_ident(r.idx));
  FOREACH v_head IN ARRAY ARRAY[v_head || quote_ident(r.nsp) || '.' || quote_ident(r.tbl) || ' ', v_head || quote_ident(r.tbl) || ' '] LOOP
    IF left(v_def, length(v_head)) = v_head THEN
      RETURN substr(v_def, length(v_head) + 1);
    END IF;
  END LOOP;
  RAISE EXCEPTION 'gppart: cannot read the definition of index %: %', p_index::regclass, v_def USING ERRCODE = 'P0001';
END $$;

-- p_schema.p_to gets an index like each of p_from's that it does not have yet.
CREATE OR REPLACE FUNCTION gppart._gp6_copy_own_indexes(p_from oid, p_schema text, p_to text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_to oid := format('%I.%I', p_schema, p_to)::regclass::oid;
  r record;
BEGIN
  FOR r IN
    SELECT i.indisunique AS uniq, gppart._gp6_index_body(i.indexrelid) AS body
      FROM pg_catalog.pg_index i WHERE i.indrelid = p_from ORDER BY i.indexrelid
  LOOP
    CONTINUE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_index j
                           WHERE j.indrelid = v_to AND j.indisunique = r.uniq AND gppart._gp6_index_body(j.indexrelid) = r.body);
    EXECUTE format('CREATE %sINDEX ON %I.%I %s', CASE WHEN r.uniq THEN 'UNIQUE ' ELSE '' END, p_schema, p_to, r.body);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION gppart.move_partition(p_schema text, p_table text, p_partition_schema text,
  p_partition text, p_start text, p_end text, p_tablespace text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_child oid;
  v_rows bigint;
  v_after bigint;
  v_ts text := p_tablespace;
  v_tmp text := 'gppart_' || txid_current()::text || '_move';
  v_cols text;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  EXECUTE format('LOCK TABLE %I.%I IN EXCLUSIVE MODE', p_schema, p_table);
  v_child := gppart._gp6_child(t.paroid, p_schema, p_table, p_partition_schema, p_partition);
  PERFORM gppart._gp6_check_exact(t.paroid, t.keytype, v_child, p_schema, p_table, p_partition_schema, p_partition, p_start, p_end, 'move');
  IF (SELECT relstorage FROM pg_catalog.pg_class WHERE oid = v_child) = 'x' THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'an external (unloaded) partition has no tablespace');
  END IF;
  IF v_ts IS NULL THEN
    SELECT s.spcname INTO v_ts FROM pg_catalog.pg_database d JOIN pg_catalog.pg_tablespace s ON s.oid = d.dattablespace
     WHERE d.datname = current_database();
  ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = v_ts) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %s does not exist', v_ts));
  END IF;
  EXECUTE format('SELECT count(*) FROM %s', v_child::regclass) INTO v_rows;
  IF pg_catalog.pg_relation_size(v_child) < gppart._gp6_move_copy_threshold() THEN
    EXECUTE format('ALTER TABLE %I.%I ALTER PARTITION FOR (RANK(%s)) SET TABLESPACE %I',
      p_schema, p_table, gppart._gp6_rank(t.paroid, v_child), v_ts);
  ELSE
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO v_cols
      FROM pg_catalog.pg_attribute WHERE attrelid = t.relid AND attnum > 0 AND NOT attisdropped;
    PERFORM gppart._gp6_new_table(t.relid, p_schema, v_tmp, gppart._gp6_reloptions(v_child), v_ts, v_child, false);
    EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %s', p_schema, v_tmp, v_cols, v_cols, v_child::regclass);
    PERFORM gppart._gp6_copy_own_indexes(v_child, p_schema, v_tmp);
    PERFORM gppart._gp6_copy_own_indexes(t.relid, p_schema, v_tmp);
    -- The rows are the partition's own, so they satisfy its constraint; the count below checks them.
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION FOR (RANK(%s)) WITH TABLE %I.%I WITHOUT VALIDATION',
      p_schema, p_table, gppart._gp6_rank(t.paroid, v_child), p_schema, v_tmp);
    EXECUTE format('DROP TABLE %I.%I', p_schema, v_tmp);
  END IF;
  EXECUTE format('SELECT count(*) FROM %I.%I', p_partition_schema, p_partition) INTO v_after;
  IF v_after <> v_rows THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('row count mismatch moving %I.%I: %s before, %s after; rolled back',
      p_partition_schema, p_partition, v_rows, v_after));
  END IF;
  RETURN v_rows;
END $$;
