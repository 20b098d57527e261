-- gppart.split_default: new partitions cut out of the DEFAULT partition, its rows moved in one pass.
--
-- Lock: SHARE ROW EXCLUSIVE on the parent (ONLY, so not every partition is locked), taken before
-- any check, so the checks see the state the changes act on: writers wait, readers go on.
-- With a DEFAULT, the data movement is merge_partitions with the DEFAULT as its only source
-- (see 005: rows are copied under this lock, and ACCESS EXCLUSIVE is held only for the swap), so
-- there is one implementation to trust. Without one, CREATE TABLE … PARTITION OF takes ACCESS
-- EXCLUSIVE on the parent for a moment per partition.
CREATE OR REPLACE FUNCTION gppart.split_default(
  p_schema text, p_table text,
  p_starts text[], p_ends text[], p_names text[], p_tablespaces text[], p_storage text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_new record;
  v_part record;
  v_default regclass;
  v_storage text;
  v_tablespaces text[] := '{}';
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE ROW EXCLUSIVE MODE', v_key.parent);

  -- Preconditions, all before the first change.
  v_new := gppart._check_new_ranges(v_label, v_key.key_type, p_starts, p_ends, p_names, p_tablespaces);
  FOR v_part IN SELECT * FROM gppart._partitions(v_label, v_key.parent, v_key.key_type) LOOP
    IF v_part.is_default THEN
      v_default := v_part.child;
      CONTINUE;
    END IF;
    FOR i IN 1 .. cardinality(p_starts) LOOP
      IF v_new.lo[i] < v_part.hi AND v_part.lo < v_new.hi[i] THEN
        PERFORM gppart._raise(v_label, format('new range [%s, %s) overlaps partition %s',
          p_starts[i], p_ends[i], v_part.child));
      END IF;
    END LOOP;
  END LOOP;
  FOR i IN 1 .. cardinality(p_names) LOOP
    IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = p_schema AND c.relname = p_names[i]) THEN
      PERFORM gppart._raise(v_label, format('name %I.%I is taken', p_schema, p_names[i]));
    END IF;
    v_tablespaces := v_tablespaces || gppart._tablespace_clause(v_label, p_tablespaces[i]);
  END LOOP;
  v_storage := gppart._storage_clause(v_label, p_storage);

  IF v_default IS NOT NULL THEN
    -- Rows leave the DEFAULT through merge_partitions' trigger-free staging tables: one scan of
    -- the DEFAULT, each moved row written once, and the table's own row triggers (audit, "set
    -- updated_at") never fire for rows that are only being moved.
    SELECT n.nspname, c.relname INTO v_part FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = v_default;
    RETURN gppart.merge_partitions(p_schema, p_table, ARRAY[v_part.nspname], ARRAY[v_part.relname],
      p_starts, p_ends, p_names, p_tablespaces, p_storage);
  END IF;

  FOR i IN 1 .. cardinality(p_names) LOOP
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%s) TO (%s)%s%s',
      p_schema, p_names[i], v_key.parent,
      gppart._bound_sql(v_key.key_type, p_starts[i]), gppart._bound_sql(v_key.key_type, p_ends[i]),
      v_storage, v_tablespaces[i]);
    PERFORM gppart._copy_owner_and_grants(v_key.parent, format('%I.%I', p_schema, p_names[i])::regclass);
    -- Empty, but "never analyzed" would make plans and the query planner guess.
    EXECUTE format('ANALYZE %I.%I', p_schema, p_names[i]);
  END LOOP;
  RETURN 0;
END $$;
