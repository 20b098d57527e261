-- split_default / merge_partitions on Greenplum 6, second version (docs/greenplum6.md):
-- - new partitions are made by one ADD PARTITION each, straight with their final storage and
--   tablespace (GP6 gives an ADDed child the parent's owner, grants and indexes), instead of
--   SPLIT + CREATE + EXCHANGE + DROP per range; the DEFAULT slot, emptied by EXCHANGE first, is
--   dropped for the ADDs and added back with the DEFAULT's own storage, tablespace and grants;
-- - with no `storage:` in the policy, new partitions take the parent's storage options (an ADD
--   PARTITION without WITH makes a heap table even under an append-optimized parent);
-- - no ALTER … OWNER on a child partition (Greenplum refuses it: "it is part of a partitioned
--   table"), which made every split of a table without a DEFAULT fail;
-- - the written children are counted directly, in one statement, instead of one count(*) through
--   the parent per new range (GP6 never prunes the DEFAULT there, so each one scanned all of it).
-- create_default's DEFAULT takes the parent's storage options too (043).

-- A relation's own storage options as a WITH clause. They come from the catalog, so each pair is
-- only quoted, not checked against the policy's pattern (a catalog value may not match it).
CREATE OR REPLACE FUNCTION gppart._gp6_reloptions(p_rel oid) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce('WITH (' || string_agg(format('%I=%L', split_part(c.reloptions[i], '=', 1),
                                                substr(c.reloptions[i], strpos(c.reloptions[i], '=') + 1)), ', ' ORDER BY i) || ')', '')
    FROM pg_catalog.pg_class c, generate_subscripts(c.reloptions, 1) AS i
   WHERE c.oid = $1
$$;

-- The storage of partitions gppart makes: the policy's `storage:` when it names one, else the parent's.
CREATE OR REPLACE FUNCTION gppart._gp6_storage(p_relid oid, p_storage text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN $2 IS NULL OR btrim($2) = '' THEN gppart._gp6_reloptions($1) ELSE gppart._gp6_with($2) END
$$;

-- Makes p_child's grants exactly those of p_acl (the owner's own entry aside). A DEFAULT added back
-- by ADD DEFAULT PARTITION gets the parent's grants; the DEFAULT it replaces may have had its own.
CREATE OR REPLACE FUNCTION gppart._gp6_set_grants(p_child oid, p_acl aclitem[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_owner oid;
  v_acl aclitem[];
  v_name text;
BEGIN
  SELECT c.relowner, c.relacl, format('%I.%I', n.nspname, c.relname) INTO v_owner, v_acl, v_name
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_child;
  IF v_acl IS NOT DISTINCT FROM p_acl THEN RETURN; END IF;
  FOR r IN SELECT DISTINCT (a).grantee AS grantee FROM (SELECT pg_catalog.aclexplode(v_acl) AS a) s WHERE (a).grantee <> v_owner LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %s', v_name,
      CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r.grantee)) END);
  END LOOP;
  FOR r IN
    SELECT (a).grantee AS grantee, (a).privilege_type AS privilege_type, (a).is_grantable AS is_grantable
      FROM (SELECT pg_catalog.aclexplode(p_acl) AS a) s WHERE (a).grantee <> v_owner
  LOOP
    EXECUTE format('GRANT %s ON %s TO %s%s', r.privilege_type, v_name,
      CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r.grantee)) END,
      CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $$;

-- Replace p_sources (children, may include the DEFAULT) by new ranges, moving each row once.
-- GP6's EXCHANGE swaps the two relations' names (ATPExecPartExchange renames both) and leaves each
-- name its grants, so after `EXCHANGE ... WITH TABLE t` the name t holds the partition's rows.
-- 1. EXCHANGE the DEFAULT with an empty table (catalog only): its rows wait in a held table.
-- 2. EXCHANGE each non-default source with an empty table, DROP its range.
-- 3. DROP the emptied DEFAULT slot (ADD PARTITION is refused while one exists), then one ALTER TABLE
--    that ADDs each new range with its final storage and tablespace and the DEFAULT back with its
--    own storage and tablespace; then the DEFAULT's own grants. GP6 cannot drop its last partition: when the DEFAULT is all that is left, the first
--    range is cut out of it by SPLIT (cheap: it is empty) and EXCHANGEd for one with the final storage.
-- 4. One INSERT INTO parent SELECT from the held tables: GP6 routes every row to its partition.
-- 5. The held rows are counted before the INSERT, the new children and the DEFAULT after it, each
--    in one statement; new + DEFAULT must equal the rows held.
-- 6. When the DEFAULT was not a source, what was routed to it (rows outside every new range) is
--    appended to the held original DEFAULT, which is EXCHANGEd back in; the held tables are dropped.
-- Returns {rows now in the new ranges, rows re-inserted}.
CREATE OR REPLACE FUNCTION gppart._gp6_rebuild(p_schema text, p_table text, p_relid oid, p_paroid oid,
  p_keycol text, p_keytype text, p_sources oid[], p_starts text[], p_ends text[], p_names text[],
  p_tablespaces text[], p_storage text) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
  v_with text := gppart._gp6_storage(p_relid, p_storage);
  v_n int := array_length(p_starts, 1);
  v_cols text;
  v_default oid;
  v_default_name text;
  v_default_is_source boolean;
  v_default_with text;
  v_default_ts text;
  v_default_acl aclitem[];
  v_hold_default text;
  v_holds text[] := '{}';
  v_tag text := 'gppart_' || txid_current()::text || '_';
  v_seq int := 0;
  v_tmp text;
  v_src oid;
  v_child oid;
  v_children oid[];
  v_ts text;
  v_for text;
  v_adds text[];
  v_parent_ts text := gppart._gp6_tablespace(p_relid);
  v_first int := 1;
  v_before bigint := 0;
  v_moved bigint := 0;
  v_new bigint := 0;
  v_rest bigint := 0;
  v_cnt bigint;
  v_sql text;
  i int;
BEGIN
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO v_cols
    FROM pg_catalog.pg_attribute WHERE attrelid = p_relid AND attnum > 0 AND NOT attisdropped;
  SELECT parchildrelid, parname INTO v_default, v_default_name FROM pg_catalog.pg_partition_rule
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
    SELECT relacl INTO v_default_acl FROM pg_catalog.pg_class WHERE oid = v_default;
    v_default_with := gppart._gp6_reloptions(v_default);
    v_default_ts := gppart._gp6_tablespace(v_default);
    v_seq := v_seq + 1;
    v_hold_default := v_tag || v_seq;
    PERFORM gppart._gp6_new_table(p_relid, p_schema, v_hold_default, v_default_with, v_default_ts, v_default);
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE DEFAULT PARTITION WITH TABLE %I.%I',
      p_schema, p_table, p_schema, v_hold_default);
    -- From here v_hold_default names the original DEFAULT table, rows and all.
    IF v_default_is_source THEN v_holds := v_holds || v_hold_default; END IF;
  END IF;

  FOREACH v_src IN ARRAY p_sources LOOP
    CONTINUE WHEN v_src = v_default;
    -- The rank before the EXCHANGE: afterwards the rule points at the exchanged-in relation.
    v_for := format('FOR (RANK(%s))', gppart._gp6_rank(p_paroid, v_src));
    v_seq := v_seq + 1;
    v_tmp := v_tag || v_seq;
    PERFORM gppart._gp6_new_table(p_relid, p_schema, v_tmp, gppart._gp6_reloptions(v_src), gppart._gp6_tablespace(v_src), v_src);
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION %s WITH TABLE %I.%I', p_schema, p_table, v_for, p_schema, v_tmp);
    EXECUTE format('ALTER TABLE %I.%I DROP PARTITION %s', p_schema, p_table, v_for);
    v_holds := v_holds || v_tmp;
  END LOOP;

  IF v_default IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule WHERE paroid = p_paroid AND parparentrule = 0 AND NOT parisdefault) THEN
      EXECUTE format('ALTER TABLE %I.%I SPLIT DEFAULT PARTITION START (%L::%s) INCLUSIVE END (%L::%s) EXCLUSIVE INTO (PARTITION %I, DEFAULT PARTITION)',
        p_schema, p_table, p_starts[1], p_keytype, p_ends[1], p_keytype, p_names[1]);
      v_seq := v_seq + 1;
      v_tmp := v_tag || v_seq;
      PERFORM gppart._gp6_new_table(p_relid, p_schema, v_tmp, v_with, coalesce(p_tablespaces[1], v_parent_ts), p_relid);
      EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION FOR (%L::%s) WITH TABLE %I.%I',
        p_schema, p_table, p_starts[1], p_keytype, p_schema, v_tmp);
      EXECUTE format('DROP TABLE %I.%I', p_schema, v_tmp);
      v_first := 2;
    END IF;
    EXECUTE format('ALTER TABLE %I.%I DROP DEFAULT PARTITION', p_schema, p_table);
  END IF;
  -- One ALTER TABLE with an ADD PARTITION per range, then the DEFAULT's ADD: one statement to
  -- dispatch instead of one per range (~10% of the per-range cost).
  v_adds := '{}';
  FOR i IN v_first .. v_n LOOP
    v_ts := coalesce(p_tablespaces[i], v_parent_ts);
    v_adds := v_adds || format('ADD PARTITION %I START (%L::%s) INCLUSIVE END (%L::%s) EXCLUSIVE %s %s',
      p_names[i], p_starts[i], p_keytype, p_ends[i], p_keytype, v_with,
      CASE WHEN v_ts IS NULL THEN '' ELSE format('TABLESPACE %I', v_ts) END);
  END LOOP;
  IF v_default IS NOT NULL THEN
    v_adds := v_adds || format('ADD DEFAULT PARTITION %I %s %s', v_default_name, v_default_with,
      CASE WHEN v_default_ts IS NULL THEN '' ELSE format('TABLESPACE %I', v_default_ts) END);
  END IF;
  IF array_length(v_adds, 1) > 0 THEN
    EXECUTE format('ALTER TABLE %I.%I %s', p_schema, p_table, array_to_string(v_adds, ', '));
  END IF;
  IF v_default IS NOT NULL THEN
    SELECT parchildrelid INTO v_default FROM pg_catalog.pg_partition_rule
     WHERE paroid = p_paroid AND parparentrule = 0 AND parisdefault;
    PERFORM gppart._gp6_set_grants(v_default, v_default_acl);
  END IF;

  IF array_length(v_holds, 1) > 0 THEN
    -- Rows before, counted on their own (not taken from the INSERT, which could only vouch for
    -- the tables it was given).
    SELECT string_agg(format('SELECT 1 FROM %I.%I', p_schema, h), ' UNION ALL ') INTO v_sql FROM unnest(v_holds) AS h;
    EXECUTE format('SELECT count(*) FROM (%s) s', v_sql) INTO v_before;
    SELECT string_agg(format('SELECT %s FROM %I.%I', v_cols, p_schema, h), ' UNION ALL ') INTO v_sql
      FROM unnest(v_holds) AS h;
    EXECUTE format('INSERT INTO %I.%I (%s) %s', p_schema, p_table, v_cols, v_sql);
    GET DIAGNOSTICS v_moved = ROW_COUNT;
  END IF;

  -- The new children and the (until the INSERT empty) DEFAULT, counted directly in one statement.
  SELECT array_agg(parchildrelid) INTO v_children FROM pg_catalog.pg_partition_rule
   WHERE paroid = p_paroid AND parparentrule = 0 AND NOT parisdefault AND parname = ANY (p_names);
  IF coalesce(array_length(v_children, 1), 0) <> v_n THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('expected %s new partitions named %s, found %s; rolled back',
      v_n, array_to_string(p_names, ', '), coalesce(array_length(v_children, 1), 0)));
  END IF;
  SELECT string_agg(format('SELECT false AS d FROM %s', c::regclass), ' UNION ALL ') INTO v_sql FROM unnest(v_children) AS c;
  IF v_default IS NOT NULL THEN
    v_sql := v_sql || format(' UNION ALL SELECT true FROM %s', v_default::regclass);
  END IF;
  EXECUTE format('SELECT coalesce(sum(CASE WHEN d THEN 0 ELSE 1 END), 0), coalesce(sum(CASE WHEN d THEN 1 ELSE 0 END), 0) FROM (%s) s', v_sql)
    INTO v_new, v_rest;
  IF v_new + v_rest <> v_before OR v_moved <> v_before THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format(
      'row count mismatch: %s rows in the sources, %s re-inserted, %s in the new partitions and %s in the DEFAULT after; rolled back',
      v_before, v_moved, v_new, v_rest));
  END IF;

  IF v_default IS NOT NULL AND NOT v_default_is_source THEN
    -- The original DEFAULT comes back with the overflow rows appended (only those are written
    -- twice). WITHOUT VALIDATION: its own rows were valid DEFAULT rows and the overflow rows lie in
    -- ranges that only the dropped sources covered.
    IF v_rest > 0 THEN
      EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM %s', p_schema, v_hold_default, v_cols, v_cols, v_default::regclass);
      GET DIAGNOSTICS v_cnt = ROW_COUNT;
      IF v_cnt <> v_rest THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format(
          'row count mismatch: %s rows routed to the DEFAULT, %s copied back into it; rolled back', v_rest, v_cnt));
      END IF;
    END IF;
    EXECUTE format('ALTER TABLE %I.%I EXCHANGE DEFAULT PARTITION WITH TABLE %I.%I WITHOUT VALIDATION',
      p_schema, p_table, p_schema, v_hold_default);
    -- Names swapped: v_hold_default now names the DEFAULT added above, with its copy of the overflow.
    EXECUTE format('DROP TABLE %I.%I', p_schema, v_hold_default);
  END IF;

  FOREACH v_tmp IN ARRAY v_holds LOOP
    EXECUTE format('DROP TABLE %I.%I', p_schema, v_tmp);
  END LOOP;
  RETURN ARRAY[v_new, v_moved];
END $$;
