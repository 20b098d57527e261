-- gppart.merge_partitions: replaces source partitions (the DEFAULT may be one) with new aligned
-- partitions, each row rewritten once, straight into its final tablespace and storage.
--
-- Locks, in two phases, so that (with lock.mode shared) readers go on while rows are copied:
--  1. build: SHARE ROW EXCLUSIVE on the parent (ONLY) and SHARE on every source. Writers through
--     the parent and into the sources wait; readers do not. The new partitions are built and
--     filled as private tables, rows leave the DEFAULT by DELETE … RETURNING (invisible to readers
--     until commit), and every count and CHECK scan of the new tables happens here.
--  2. swap: ACCESS EXCLUSIVE on the parent, for the catalog changes only — detach and drop the
--     sources, attach the new tables (their CHECK constraints spare the validation scan), put the
--     overflow rows into the DEFAULT and re-attach it (PostgreSQL validates the DEFAULT by
--     scanning what is left in it: cheap once a table's layout is established).
-- Taking the weaker lock first and the strongest last is a lock upgrade: a reader that, in the
-- same transaction, then tries to write can deadlock with the step; PostgreSQL aborts one of the
-- two, and if it is the step, nothing has changed and the next plan proposes it again. With
-- lock.mode exclusive the executor takes ACCESS EXCLUSIVE before calling, and there is no upgrade.
--
-- How: the new partitions are built as standalone tables (LIKE the parent, no indexes yet) under
-- a private partitioned "staging" table, so ONE INSERT … SELECT per source scan routes every row
-- to its new table; rows outside every new range land in a staging overflow table and go on to
-- the DEFAULT (only those rows are written twice). Attaching builds the parent's indexes on the
-- new tables and clones its row triggers, which never fire for the rows being moved.
CREATE OR REPLACE FUNCTION gppart._free_name(p_schema text, p_base text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_name text := p_base;
  v_n int := 0;
BEGIN
  WHILE EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = p_schema AND c.relname = v_name) LOOP
    v_n := v_n + 1;
    v_name := p_base || '_' || v_n;
  END LOOP;
  RETURN v_name;
END $$;

CREATE OR REPLACE FUNCTION gppart.merge_partitions(
  p_schema text, p_table text,
  p_source_schemas text[], p_sources text[],
  p_starts text[], p_ends text[], p_names text[], p_tablespaces text[], p_storage text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_new record;
  v_part record;
  v_b record;
  v_default regclass;
  v_default_is_source boolean := false;
  v_sources regclass[] := '{}';      -- non-default sources
  v_src_lo float8[] := '{}';
  v_src_hi float8[] := '{}';
  v_child regclass;
  v_is_source boolean;
  v_cur float8;
  v_next float8;
  v_storage text;
  v_tablespaces text[] := '{}';
  v_work_names text[] := '{}';       -- names the new tables are built under
  v_stage text;
  v_overflow text;
  v_columns text;
  v_predicate text;
  v_rows bigint;
  v_before bigint := 0;              -- rows of the non-default sources
  v_default_before bigint;
  v_from_default bigint := 0;
  v_overflow_rows bigint;
  v_in_new bigint := 0;
  v_default_after bigint;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE ROW EXCLUSIVE MODE', v_key.parent);

  -- Preconditions, all before the first change.
  IF coalesce(cardinality(p_sources), 0) < 1 OR cardinality(p_source_schemas) IS DISTINCT FROM cardinality(p_sources) THEN
    PERFORM gppart._raise(v_label, format('array lengths differ or are empty: %s source schemas, %s sources',
      coalesce(cardinality(p_source_schemas), 0), coalesce(cardinality(p_sources), 0)));
  END IF;
  v_new := gppart._check_new_ranges(v_label, v_key.key_type, p_starts, p_ends, p_names, p_tablespaces);
  FOR i IN 1 .. cardinality(p_sources) LOOP
    v_child := gppart._child_of(v_label, v_key.parent, p_source_schemas[i], p_sources[i]);
    IF v_child = ANY (v_sources) OR (v_child = v_default AND v_default_is_source) THEN
      PERFORM gppart._raise(v_label, format('source %s is given twice', v_child));
    END IF;
    v_b := gppart._bounds(v_child);
    IF v_b.is_default THEN
      v_default_is_source := true;
      v_default := v_child;
    ELSE
      v_sources := v_sources || v_child;
      v_src_lo := v_src_lo || gppart._axis(v_label, v_key.key_type, v_b.lo);
      v_src_hi := v_src_hi || gppart._axis(v_label, v_key.key_type, v_b.hi);
    END IF;
  END LOOP;
  FOR v_part IN SELECT * FROM gppart._partitions(v_label, v_key.parent, v_key.key_type) LOOP
    IF v_part.is_default THEN
      v_default := v_part.child;
      CONTINUE;
    END IF;
    IF v_part.child = ANY (v_sources) THEN CONTINUE; END IF;
    FOR i IN 1 .. cardinality(p_starts) LOOP
      IF v_new.lo[i] < v_part.hi AND v_part.lo < v_new.hi[i] THEN
        PERFORM gppart._raise(v_label, format('new range [%s, %s) overlaps partition %s, which is not a source',
          p_starts[i], p_ends[i], v_part.child));
      END IF;
    END LOOP;
  END LOOP;
  IF NOT v_default_is_source THEN
    -- Without the DEFAULT as a source, the new ranges can only hold rows the sources hold.
    FOR i IN 1 .. cardinality(p_starts) LOOP
      v_cur := v_new.lo[i];
      LOOP
        SELECT max(u.hi) INTO v_next FROM unnest(v_src_lo, v_src_hi) AS u(lo, hi) WHERE u.lo <= v_cur AND u.hi > v_cur;
        EXIT WHEN v_next IS NULL OR v_next >= v_new.hi[i];
        v_cur := v_next;
      END LOOP;
      IF v_next IS NULL THEN
        PERFORM gppart._raise(v_label, format('new range [%s, %s) is not inside the sources'' ranges',
          p_starts[i], p_ends[i]));
      END IF;
    END LOOP;
  END IF;
  FOR i IN 1 .. cardinality(p_names) LOOP
    v_is_source := false;
    FOR j IN 1 .. cardinality(p_sources) LOOP
      IF p_source_schemas[j] = p_schema AND p_sources[j] = p_names[i] THEN v_is_source := true; END IF;
    END LOOP;
    IF v_is_source THEN
      v_work_names := v_work_names || gppart._free_name(p_schema, left(format('gppart_new_%s_%s', pg_backend_pid(), i), 60));
    ELSIF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = p_schema AND c.relname = p_names[i]) THEN
      PERFORM gppart._raise(v_label, format('name %I.%I is taken', p_schema, p_names[i]));
    ELSE
      v_work_names := v_work_names || p_names[i];
    END IF;
    IF p_tablespaces[i] IS NULL THEN
      -- A standalone table does not inherit the parent's tablespace the way PARTITION OF does.
      v_tablespaces := v_tablespaces || (
        SELECT CASE WHEN c.reltablespace = 0 THEN '' ELSE format(' TABLESPACE %I', t.spcname) END
          FROM pg_class c LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE c.oid = v_key.parent);
    ELSE
      v_tablespaces := v_tablespaces || gppart._tablespace_clause(v_label, p_tablespaces[i]);
    END IF;
  END LOOP;
  v_storage := gppart._storage_clause(v_label, p_storage);
  v_predicate := gppart._range_predicate(v_key.key_column, v_key.key_type, p_starts, p_ends);
  -- SHARE on the sources before anything is counted or checked: writers that address a source
  -- directly wait from here on, readers go on. Row-level security is off for this function
  -- (SET row_security = off): a policy that hid rows from the count would otherwise hide the
  -- same rows from the copy, and they would be dropped with their source.
  FOR i IN 1 .. cardinality(v_sources) LOOP
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', v_sources[i]);
  END LOOP;
  IF v_default_is_source THEN
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', v_default);
  END IF;
  -- Rows are rewritten into private tables and swapped in by DDL: a publication would replicate
  -- the deletes from a DEFAULT and never the rows' new home, and detach/attach not at all, so its
  -- subscribers would lose or strand rows.
  IF EXISTS (SELECT 1 FROM pg_publication_tables pt
              WHERE (pt.schemaname, pt.tablename) IN (SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                                       WHERE c.oid = v_key.parent OR c.oid = v_default OR c.oid = ANY (v_sources))) THEN
    PERFORM gppart._raise(v_label, format('%s is published for logical replication; rewriting its partitions would not replicate. Reshape it by hand with the subscribers in mind, or take it out of the publication first', v_label));
  END IF;
  FOR i IN 1 .. cardinality(p_names) LOOP
    IF v_default IS NOT NULL AND p_names[i] = (SELECT c.relname FROM pg_class c WHERE c.oid = v_default)
       AND p_schema = (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = v_default) THEN
      PERFORM gppart._raise(v_label, format('new partition name %I is the DEFAULT partition''s', p_names[i]));
    END IF;
  END LOOP;
  IF v_default IS NULL THEN
    -- Rows outside every new range would have nowhere to go: refuse before changing anything.
    FOR i IN 1 .. cardinality(v_sources) LOOP
      EXECUTE format('SELECT count(*) FROM %s WHERE NOT coalesce(%s, false)', v_sources[i], v_predicate) INTO v_rows;
      IF v_rows > 0 THEN
        PERFORM gppart._raise(v_label, format('%s rows of %s lie outside every new range and the table has no DEFAULT partition',
          v_rows, v_sources[i]));
      END IF;
    END LOOP;
  END IF;

  -- Phase 1 (build). Sources are counted under the SHARE locks taken above.
  FOR i IN 1 .. cardinality(v_sources) LOOP
    v_before := v_before + gppart._count(v_sources[i]);
  END LOOP;
  IF v_default_is_source THEN
    v_default_before := gppart._count(v_default);
  END IF;

  -- Build: staging partitioned table holding the new tables and an overflow DEFAULT.
  v_columns := gppart._columns(v_key.parent);
  v_stage := gppart._free_name(p_schema, left(format('gppart_stage_%s', pg_backend_pid()), 60));
  -- INCLUDING INDEXES: the new tables carry the parent's indexes while they are filled, under the
  -- build lock, so ATTACH in the swap adopts them instead of building them while readers wait.
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING INDEXES) PARTITION BY RANGE (%I)',
    p_schema, v_stage, v_key.parent, v_key.key_column);
  FOR i IN 1 .. cardinality(p_names) LOOP
    EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)%s%s',
      p_schema, v_work_names[i], v_key.parent, v_storage, v_tablespaces[i]);
    EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%s) TO (%s)',
      p_schema, v_stage, p_schema, v_work_names[i],
      gppart._bound_sql(v_key.key_type, p_starts[i]), gppart._bound_sql(v_key.key_type, p_ends[i]));
  END LOOP;
  v_overflow := gppart._free_name(p_schema, left(format('gppart_overflow_%s', pg_backend_pid()), 60));
  EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I DEFAULT', p_schema, v_overflow, p_schema, v_stage);

  -- Copy: one scan per source, each row written once into its new table. A parent CHECK that is
  -- NOT VALID still applies to rows written now, so old rows that violate it cannot be copied:
  -- say so in the DBA's terms rather than as a bare constraint violation.
  BEGIN
    FOR i IN 1 .. cardinality(v_sources) LOOP
      EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %s', p_schema, v_stage, v_columns, v_columns, v_sources[i]);
    END LOOP;
    IF v_default_is_source THEN
      EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %s RETURNING %s) INSERT INTO %I.%I (%s) SELECT %s FROM moved',
        v_default, v_predicate, v_columns, p_schema, v_stage, v_columns, v_columns);
      GET DIAGNOSTICS v_from_default = ROW_COUNT;
    END IF;
  EXCEPTION WHEN check_violation THEN
    PERFORM gppart._raise(v_label, format('rows of the partitions being rewritten violate CHECK constraint %s (%s), which was added NOT VALID; they cannot be copied into new partitions. Fix or remove those rows, or drop the constraint, then plan again',
      (SELECT string_agg(quote_ident(c.conname), ', ') FROM pg_constraint c WHERE c.conrelid = v_key.parent AND c.contype = 'c' AND NOT c.convalidated),
      SQLERRM));
  END;
  IF v_default_is_source THEN
    v_default_after := gppart._count(v_default);
    IF v_default_after <> v_default_before - v_from_default THEN
      PERFORM gppart._raise(v_label, format(
        'row counts do not add up (DEFAULT before %s, moved out %s, left %s); rolled back',
        v_default_before, v_from_default, v_default_after));
    END IF;
    -- Not ANALYZEd here: ANALYZE writes pg_class.reltuples in place, outside the transaction, so a
    -- step that later rolls back would leave the DEFAULT looking empty to every query plan.
    -- Autovacuum notices the deleted rows; the new tables (dropped on rollback) are analyzed below.
  END IF;

  -- Out of staging; each new table gets the CHECK that lets ATTACH skip its validation scan, and
  -- fresh statistics, so neither the next plan nor a query sees it as empty.
  FOR i IN 1 .. cardinality(p_names) LOOP
    EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I', p_schema, v_stage, p_schema, v_work_names[i]);
    v_in_new := v_in_new + gppart._count(format('%I.%I', p_schema, v_work_names[i])::regclass);
    EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT gppart_attach_bounds CHECK (%s)', p_schema, v_work_names[i],
      gppart._range_predicate(v_key.key_column, v_key.key_type, ARRAY[p_starts[i]], ARRAY[p_ends[i]]));
    EXECUTE format('ANALYZE %I.%I', p_schema, v_work_names[i]);
  END LOOP;
  EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I', p_schema, v_stage, p_schema, v_overflow);
  EXECUTE format('DROP TABLE %I.%I', p_schema, v_stage);
  v_overflow_rows := gppart._count(format('%I.%I', p_schema, v_overflow)::regclass);
  IF v_overflow_rows > 0 AND v_default IS NULL THEN
    PERFORM gppart._raise(v_label, format('%s rows of the sources lie outside every new range and the table has no DEFAULT partition; rolled back', v_overflow_rows));
  END IF;
  IF v_in_new + v_overflow_rows <> v_before + v_from_default THEN
    PERFORM gppart._raise(v_label, format(
      'row counts do not add up (sources %s, taken from DEFAULT %s, in new partitions %s, to DEFAULT %s); rolled back',
      v_before, v_from_default, v_in_new, v_overflow_rows));
  END IF;

  -- Phase 2 (swap): everyone waits, for catalog changes and the DEFAULT's re-attach only.
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_key.parent);
  FOR i IN 1 .. cardinality(v_sources) LOOP
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', v_key.parent, v_sources[i]);
    EXECUTE format('DROP TABLE %s', v_sources[i]);
  END LOOP;
  IF v_default IS NOT NULL THEN
    -- Detached, the DEFAULT is not scanned once per attached range, only once when it returns.
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', v_key.parent, v_default);
  END IF;
  FOR i IN 1 .. cardinality(p_names) LOOP
    IF v_work_names[i] <> p_names[i] THEN
      EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', p_schema, v_work_names[i], p_names[i]);
    END IF;
    v_child := format('%I.%I', p_schema, p_names[i])::regclass;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%s) TO (%s)', v_key.parent, v_child,
      gppart._bound_sql(v_key.key_type, p_starts[i]), gppart._bound_sql(v_key.key_type, p_ends[i]));
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT gppart_attach_bounds', v_child);
    PERFORM gppart._copy_owner_and_grants(v_key.parent, v_child);
  END LOOP;
  IF v_overflow_rows > 0 THEN
    EXECUTE format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I.%I', v_default, v_columns, v_columns, p_schema, v_overflow);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows <> v_overflow_rows THEN
      PERFORM gppart._raise(v_label, format('row counts do not add up (overflow %s, inserted into DEFAULT %s); rolled back', v_overflow_rows, v_rows));
    END IF;
  END IF;
  EXECUTE format('DROP TABLE %I.%I', p_schema, v_overflow);
  IF v_default IS NOT NULL THEN
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s DEFAULT', v_key.parent, v_default);
  END IF;
  RETURN v_in_new + v_overflow_rows;
END $$;
