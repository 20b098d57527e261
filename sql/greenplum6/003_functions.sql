-- The four step functions of docs/procedures.md for Greenplum 6 (legacy partitioning DDL).
-- Design and cost of each: docs/greenplum6.md. Every function runs inside the caller's transaction;
-- any error rolls back every DDL and row it made, including the work tables gppart_<txid>_<n>.

-- Replace p_sources (children, may include the DEFAULT) by new ranges, moving each row once.
-- GP6's EXCHANGE swaps the two relations' names (ATPExecPartExchange renames both), so after
-- `EXCHANGE ... WITH TABLE t` the name t holds the rows that were in the partition.
-- 1. EXCHANGE the DEFAULT with an empty table (metadata only) so that SPLIT DEFAULT has nothing to
--    rewrite; 2. EXCHANGE each non-default source with an empty table and DROP its rule; 3. make
--    each new range (ADD without DEFAULT, else SPLIT of the empty DEFAULT) and EXCHANGE in an
--    empty table with the final storage and tablespace; 4. when the DEFAULT is a source, an empty
--    twin with its storage becomes the DEFAULT; 5. one INSERT INTO parent SELECT from all held
--    tables: GP6 routes every row to its partition; 6. count the new ranges and the (until then
--    empty) DEFAULT and compare; 7. when the DEFAULT was not a source, append what was routed to
--    it to the original DEFAULT and EXCHANGE that back in; drop the held tables.
-- Returns {rows now in the new ranges, rows re-inserted}.
CREATE OR REPLACE FUNCTION gppart._gp6_rebuild(p_schema text, p_table text, p_relid oid, p_paroid oid,
  p_keycol text, p_keytype text, p_sources oid[], p_starts text[], p_ends text[], p_names text[],
  p_tablespaces text[], p_storage text) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
  v_with text := gppart._gp6_with(p_storage);
  v_cols text;
  v_default oid;
  v_default_is_source boolean;
  v_default_with text;
  v_default_ts text;
  v_hold_default text;
  v_holds text[] := '{}';
  v_tag text := 'gppart_' || txid_current()::text || '_';
  v_seq int := 0;
  v_tmp text;
  v_src oid;
  v_child oid;
  v_ts text;
  v_parent_ts text := gppart._gp6_tablespace(p_relid);
  v_for text;
  v_moved bigint := 0;
  v_new bigint := 0;
  v_rest bigint := 0;
  v_cnt bigint;
  v_sql text;
  i int;
BEGIN
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO v_cols
    FROM pg_catalog.pg_attribute WHERE attrelid = p_relid AND attnum > 0 AND NOT attisdropped;
  SELECT parchildrelid INTO v_default FROM pg_catalog.pg_partition_rule
   WHERE paroid = p_paroid AND parparentrule = 0 AND parisdefault;
  v_default_is_source := v_default IS NOT NULL AND v_default = ANY (p_sources);
  IF v_default IS NULL AND coalesce(array_length(p_sources, 1), 0) > 0 AND NOT EXISTS (
       SELECT 1 FROM pg_catalog.pg_partition_rule
        WHERE paroid = p_paroid AND parparentrule = 0 AND NOT (parchildrelid = ANY (p_sources))) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table,
      'the step replaces every partition and the table has no DEFAULT; Greenplum 6 cannot drop the last partition');
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = ANY (p_sources) AND relstorage = 'x') THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'an external (unloaded) partition cannot be rewritten');
  END IF;
  PERFORM set_config('gp_enable_exchange_default_partition', 'on', true);

  IF v_default IS NOT NULL THEN
    v_default_with := gppart._gp6_reloptions(v_default);
    v_default_ts := gppart._gp6_tablespace(v_default);
    v_seq := v_seq + 1;
    v_hold_default := v_tag || v_seq;
    PERFORM gppart._gp6_new_table(p_relid, p_schema, v_hold_default, v_default_with, v_default_ts, v_default);
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE DEFAULT PARTITION WITH TABLE %I.%I',
      p_schema, p_table, p_schema, v_hold_default);
    -- From here v_hold_default names the original DEFAULT table, rows and all.
  END IF;

  FOREACH v_src IN ARRAY p_sources LOOP
    CONTINUE WHEN v_src = v_default;
    v_for := format('FOR (RANK(%s))', gppart._gp6_rank(p_paroid, v_src));
    v_seq := v_seq + 1;
    v_tmp := v_tag || v_seq;
    PERFORM gppart._gp6_new_table(p_relid, p_schema, v_tmp, gppart._gp6_reloptions(v_src), gppart._gp6_tablespace(v_src), v_src);
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION %s WITH TABLE %I.%I', p_schema, p_table, v_for, p_schema, v_tmp);
    EXECUTE format('ALTER TABLE %I.%I DROP PARTITION %s', p_schema, p_table, v_for);
    v_holds := v_holds || v_tmp;
  END LOOP;

  FOR i IN 1 .. array_length(p_starts, 1) LOOP
    v_ts := coalesce(p_tablespaces[i], v_parent_ts);
    IF v_default IS NULL THEN
      EXECUTE format('ALTER TABLE %I.%I ADD PARTITION %I START (%L::%s) INCLUSIVE END (%L::%s) EXCLUSIVE %s %s',
        p_schema, p_table, p_names[i], p_starts[i], p_keytype, p_ends[i], p_keytype, v_with,
        CASE WHEN v_ts IS NULL THEN '' ELSE format('TABLESPACE %I', v_ts) END);
      SELECT parchildrelid INTO v_child FROM pg_catalog.pg_partition_rule
       WHERE paroid = p_paroid AND parparentrule = 0 AND parname = p_names[i];
      PERFORM gppart._gp6_copy_access(p_relid, p_schema, (SELECT relname::text FROM pg_catalog.pg_class WHERE oid = v_child));
    ELSE
      EXECUTE format('ALTER TABLE %I.%I SPLIT DEFAULT PARTITION START (%L::%s) INCLUSIVE END (%L::%s) EXCLUSIVE INTO (PARTITION %I, DEFAULT PARTITION)',
        p_schema, p_table, p_starts[i], p_keytype, p_ends[i], p_keytype, p_names[i]);
      v_seq := v_seq + 1;
      v_tmp := v_tag || v_seq;
      PERFORM gppart._gp6_new_table(p_relid, p_schema, v_tmp, v_with, v_ts, p_relid);
      EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION FOR (%L::%s) WITH TABLE %I.%I',
        p_schema, p_table, p_starts[i], p_keytype, p_schema, v_tmp);
      EXECUTE format('DROP TABLE %I.%I', p_schema, v_tmp);
    END IF;
  END LOOP;

  -- The DEFAULT slot must be empty during the INSERT so that counting it afterwards counts exactly
  -- the rows the INSERT routed there (rows of the sources outside every new range, NULL keys).
  -- When the DEFAULT is a source, an empty twin with its storage takes the slot for good; when it
  -- is not, the empty DEFAULT left by SPLIT holds the slot until the original comes back below.
  IF v_default_is_source THEN
    v_seq := v_seq + 1;
    v_tmp := v_tag || v_seq;
    PERFORM gppart._gp6_new_table(p_relid, p_schema, v_tmp, v_default_with, v_default_ts,
      format('%I.%I', p_schema, v_hold_default)::regclass::oid);
    -- EXCHANGE swaps the relation names (GP6 ATPExecPartExchange): afterwards v_tmp names the
    -- empty DEFAULT made by SPLIT, which is dropped.
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE DEFAULT PARTITION WITH TABLE %I.%I', p_schema, p_table, p_schema, v_tmp);
    EXECUTE format('DROP TABLE %I.%I', p_schema, v_tmp);
    v_holds := v_holds || v_hold_default;
  END IF;

  IF array_length(v_holds, 1) > 0 THEN
    SELECT string_agg(format('SELECT %s FROM %I.%I', v_cols, p_schema, h), ' UNION ALL ') INTO v_sql
      FROM unnest(v_holds) AS h;
    EXECUTE format('INSERT INTO %I.%I (%s) %s', p_schema, p_table, v_cols, v_sql);
    GET DIAGNOSTICS v_moved = ROW_COUNT;
  END IF;

  FOR i IN 1 .. array_length(p_starts, 1) LOOP
    EXECUTE format('SELECT count(*) FROM %I.%I WHERE %I >= %L::%s AND %I < %L::%s', p_schema, p_table,
      p_keycol, p_starts[i], p_keytype, p_keycol, p_ends[i], p_keytype) INTO v_cnt;
    v_new := v_new + v_cnt;
  END LOOP;
  IF v_default IS NOT NULL THEN
    SELECT parchildrelid INTO v_child FROM pg_catalog.pg_partition_rule
     WHERE paroid = p_paroid AND parparentrule = 0 AND parisdefault;
    EXECUTE format('SELECT count(*) FROM %s', v_child::regclass) INTO v_rest;
  END IF;
  IF v_new + v_rest <> v_moved THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format(
      'row count mismatch: %s rows read from the sources, %s in the new partitions and %s in the DEFAULT after; rolled back',
      v_moved, v_new, v_rest));
  END IF;

  IF v_default IS NOT NULL AND NOT v_default_is_source THEN
    -- The original DEFAULT comes back with the overflow rows appended (only those are written
    -- twice). WITHOUT VALIDATION: its own rows were valid DEFAULT rows and the overflow rows lie in
    -- ranges that only the dropped sources covered.
    IF v_rest > 0 THEN
      EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %s', p_schema, v_hold_default, v_cols, v_cols, v_child::regclass);
      GET DIAGNOSTICS v_cnt = ROW_COUNT;
      IF v_cnt <> v_rest THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format(
          'row count mismatch: %s rows routed to the DEFAULT, %s copied back into it; rolled back', v_rest, v_cnt));
      END IF;
    END IF;
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE DEFAULT PARTITION WITH TABLE %I.%I WITHOUT VALIDATION',
      p_schema, p_table, p_schema, v_hold_default);
    -- Names swapped: v_hold_default now names the temporary DEFAULT that held the overflow copy.
    EXECUTE format('DROP TABLE %I.%I', p_schema, v_hold_default);
  END IF;

  FOREACH v_tmp IN ARRAY v_holds LOOP
    EXECUTE format('DROP TABLE %I.%I', p_schema, v_tmp);
  END LOOP;
  RETURN ARRAY[v_new, v_moved];
END $$;

CREATE OR REPLACE FUNCTION gppart.split_default(p_schema text, p_table text, p_starts text[], p_ends text[],
  p_names text[], p_tablespaces text[], p_storage text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_names text[];
  v_default oid;
  v_sources oid[] := '{}';
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  PERFORM gppart._gp6_with(p_storage);
  EXECUTE format('LOCK TABLE %I.%I IN EXCLUSIVE MODE', p_schema, p_table);
  SELECT parchildrelid INTO v_default FROM pg_catalog.pg_partition_rule
   WHERE paroid = t.paroid AND parparentrule = 0 AND parisdefault;
  IF v_default IS NOT NULL THEN v_sources := ARRAY[v_default]; END IF;
  v_names := gppart._gp6_check_new(p_schema, p_table, t.paroid, t.keytype, v_sources, p_starts, p_ends, p_names, p_tablespaces);
  -- Names of the DEFAULT are not free for new partitions even though it is a source.
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule WHERE paroid = t.paroid AND parisdefault AND parname = ANY (v_names)) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'a new partition cannot take the DEFAULT partition''s name');
  END IF;
  RETURN (gppart._gp6_rebuild(p_schema, p_table, t.relid, t.paroid, t.keycol, t.keytype, v_sources,
    p_starts, p_ends, v_names, p_tablespaces, p_storage))[1];
END $$;

CREATE OR REPLACE FUNCTION gppart.merge_partitions(p_schema text, p_table text, p_source_schemas text[],
  p_sources text[], p_starts text[], p_ends text[], p_names text[], p_tablespaces text[], p_storage text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  b record;
  v_sources oid[] := '{}';
  v_child oid;
  v_has_default boolean := false;
  v_names text[];
  v_pos text;
  v_progress boolean;
  v_pred text;
  v_outside bigint;
  i int;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  PERFORM gppart._gp6_with(p_storage);
  IF coalesce(array_length(p_sources, 1), 0) = 0 OR array_length(p_sources, 1) <> coalesce(array_length(p_source_schemas, 1), 0) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'p_source_schemas and p_sources must have the same length >= 1');
  END IF;
  EXECUTE format('LOCK TABLE %I.%I IN EXCLUSIVE MODE', p_schema, p_table);
  FOR i IN 1 .. array_length(p_sources, 1) LOOP
    v_child := gppart._gp6_child(t.paroid, p_schema, p_table, p_source_schemas[i], p_sources[i]);
    IF v_child = ANY (v_sources) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('source %I.%I is named twice', p_source_schemas[i], p_sources[i]));
    END IF;
    v_sources := v_sources || v_child;
    SELECT * INTO b FROM gppart._gp6_bounds(t.paroid, v_child, t.keytype);
    v_has_default := v_has_default OR b.is_default;
  END LOOP;
  v_names := gppart._gp6_check_new(p_schema, p_table, t.paroid, t.keytype, v_sources, p_starts, p_ends, p_names, p_tablespaces);
  -- Without the DEFAULT among the sources every new range must lie inside the sources' union:
  -- walk each range from its start, jumping to the end of the source that contains the position.
  IF NOT v_has_default THEN
    FOR i IN 1 .. array_length(p_starts, 1) LOOP
      v_pos := p_starts[i];
      WHILE gppart._gp6_cmp(t.keytype, v_pos, p_ends[i]) < 0 LOOP
        v_progress := false;
        FOREACH v_child IN ARRAY v_sources LOOP
          SELECT * INTO b FROM gppart._gp6_bounds(t.paroid, v_child, t.keytype);
          IF gppart._gp6_cmp(t.keytype, b.r_from, v_pos) <= 0 AND gppart._gp6_cmp(t.keytype, v_pos, b.r_to) < 0 THEN
            v_pos := b.r_to;
            v_progress := true;
            EXIT;
          END IF;
        END LOOP;
        IF NOT v_progress THEN
          PERFORM gppart._gp6_fail(p_schema, p_table, format('new range [%s, %s) is not covered by the sources at %s', p_starts[i], p_ends[i], v_pos));
        END IF;
      END LOOP;
    END LOOP;
  END IF;
  -- Without a DEFAULT, rows of the sources outside every new range would make the INSERT fail
  -- half way; count them first (only for sources the new ranges do not cover entirely) and refuse.
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule
                  WHERE paroid = t.paroid AND parparentrule = 0 AND parisdefault) THEN
    SELECT string_agg(format('(%I >= %L::%s AND %I < %L::%s)', t.keycol, p_starts[k], t.keytype, t.keycol, p_ends[k], t.keytype), ' OR ')
      INTO v_pred FROM generate_subscripts(p_starts, 1) AS k;
    FOREACH v_child IN ARRAY v_sources LOOP
      SELECT * INTO b FROM gppart._gp6_bounds(t.paroid, v_child, t.keytype);
      CONTINUE WHEN gppart._gp6_covered(t.keytype, b.r_from, b.r_to, p_starts, p_ends);
      EXECUTE format('SELECT count(*) FROM %s WHERE NOT coalesce(%s, false)', v_child::regclass, v_pred) INTO v_outside;
      IF v_outside > 0 THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format(
          '%s rows of %s lie outside every new range and the table has no DEFAULT partition', v_outside, v_child::regclass));
      END IF;
    END LOOP;
  END IF;
  RETURN (gppart._gp6_rebuild(p_schema, p_table, t.relid, t.paroid, t.keycol, t.keytype, v_sources,
    p_starts, p_ends, v_names, p_tablespaces, p_storage))[2];
END $$;

CREATE OR REPLACE FUNCTION gppart.drop_partition(p_schema text, p_table text, p_partition_schema text,
  p_partition text, p_start text, p_end text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_child oid;
  v_rows bigint := 0;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  EXECUTE format('LOCK TABLE %I.%I IN EXCLUSIVE MODE', p_schema, p_table);
  v_child := gppart._gp6_child(t.paroid, p_schema, p_table, p_partition_schema, p_partition);
  PERFORM gppart._gp6_check_exact(t.paroid, t.keytype, v_child, p_schema, p_table, p_partition_schema, p_partition, p_start, p_end, 'drop');
  -- An external (unloaded) partition's rows live in S3 and stay there: nothing to count or delete.
  IF (SELECT relstorage FROM pg_catalog.pg_class WHERE oid = v_child) <> 'x' THEN
    EXECUTE format('SELECT count(*) FROM %I.%I', p_partition_schema, p_partition) INTO v_rows;
  END IF;
  EXECUTE format('ALTER TABLE %I.%I DROP PARTITION FOR (RANK(%s))', p_schema, p_table, gppart._gp6_rank(t.paroid, v_child));
  RETURN v_rows;
END $$;

-- Partitions below this size move with one ALTER PARTITION .. SET TABLESPACE (readers wait for
-- the whole copy); larger ones are copied beside the live one under an EXCLUSIVE lock (readers go
-- on) and swapped in with EXCHANGE, which holds ACCESS EXCLUSIVE only for the catalog swap.
CREATE OR REPLACE FUNCTION gppart._gp6_move_copy_threshold() RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT 1073741824::bigint $$;

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
    PERFORM gppart._gp6_new_table(t.relid, p_schema, v_tmp, gppart._gp6_reloptions(v_child), v_ts, v_child);
    EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %s', p_schema, v_tmp, v_cols, v_cols, v_child::regclass);
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
