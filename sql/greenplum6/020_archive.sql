-- Archive to object storage and restore, Greenplum 6 (docs/procedures.md, docs/greenplum6.md).
-- Same catalog and function signatures as sql/postgres/020_archive.sql, plus the PXF path, where
-- the rows never leave the cluster: unload_pxf writes the partition through a PXF writable external
-- table and exchanges the partition for a readable external table over the same objects.

-- Append-only by convention here (Greenplum 6 has no row triggers worth trusting on a
-- distributed table); gppart itself only ever INSERTs into it.
CREATE TABLE gppart.archives (
  id bigserial PRIMARY KEY,
  event text NOT NULL CHECK (event IN ('archived', 'restored')),
  archive_id bigint,
  apply_id bigint,
  table_schema text NOT NULL,
  table_name text NOT NULL,
  partition_schema text NOT NULL,
  partition_name text NOT NULL,
  key_type text NOT NULL,
  range_start text NOT NULL,
  range_end text NOT NULL,
  location text NOT NULL,
  format text NOT NULL,
  via text NOT NULL,
  rows bigint NOT NULL,
  bytes bigint,
  manifest jsonb,
  at timestamptz NOT NULL DEFAULT now(),
  db_user text NOT NULL DEFAULT current_user,
  CHECK ((event = 'restored') = (archive_id IS NOT NULL))
) DISTRIBUTED BY (id);

-- The partition an unload reads: checked (exact bounds, not the DEFAULT, not already external)
-- and locked SHARE (its writers wait, readers go on). Returns the child's oid.
CREATE OR REPLACE FUNCTION gppart._gp6_archive_source(p_schema text, p_table text, p_paroid oid, p_keytype text,
  p_partition_schema text, p_partition text, p_start text, p_end text) RETURNS oid
LANGUAGE plpgsql AS $$
DECLARE
  v_child oid;
BEGIN
  v_child := gppart._gp6_child(p_paroid, p_schema, p_table, p_partition_schema, p_partition);
  PERFORM gppart._gp6_check_exact(p_paroid, p_keytype, v_child, p_schema, p_table, p_partition_schema, p_partition, p_start, p_end, 'unload');
  IF (SELECT relstorage FROM pg_catalog.pg_class WHERE oid = v_child) = 'x' THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('%I.%I is already an external partition; nothing to unload', p_partition_schema, p_partition));
  END IF;
  EXECUTE format('LOCK TABLE %s IN SHARE MODE', v_child::regclass);
  RETURN v_child;
END $$;

-- Client path: the caller streamed the rows to object storage and wrote the manifest; count again,
-- compare, record, and drop the partition by rank.
CREATE OR REPLACE FUNCTION gppart.unload_finish(p_schema text, p_table text, p_partition_schema text, p_partition text,
  p_start text, p_end text, p_location text, p_format text, p_rows bigint, p_manifest text, p_apply_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_child oid;
  v_rows bigint;
  v_manifest jsonb;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  v_child := gppart._gp6_archive_source(p_schema, p_table, t.paroid, t.keytype, p_partition_schema, p_partition, p_start, p_end);
  IF p_location IS NULL OR p_location !~ '^[a-z0-9]+://[^/]+/.*/$' THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('archive location %L is not of the form scheme://bucket/folder/', p_location));
  END IF;
  IF p_format IS NULL OR p_format NOT IN ('parquet', 'csv.gz') THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('unknown archive format %L', p_format));
  END IF;
  BEGIN
    v_manifest := p_manifest::jsonb;
  EXCEPTION WHEN others THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'the manifest is not valid JSON');
  END;
  EXECUTE format('SELECT count(*) FROM %s', v_child::regclass) INTO v_rows;
  IF p_rows IS NULL OR v_rows <> p_rows OR (v_manifest ->> 'rows')::bigint IS DISTINCT FROM v_rows THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('partition %s holds %s rows, but %s were archived (manifest: %s); nothing was dropped',
      v_child::regclass, v_rows, p_rows, v_manifest ->> 'rows'));
  END IF;
  INSERT INTO gppart.archives (event, apply_id, table_schema, table_name, partition_schema, partition_name,
                               key_type, range_start, range_end, location, format, via, rows, bytes, manifest)
  VALUES ('archived', p_apply_id, p_schema, p_table, p_partition_schema, p_partition, t.keytype, p_start, p_end,
          p_location, p_format, 'client', v_rows,
          (SELECT sum((o ->> 'bytes')::bigint) FROM jsonb_array_elements(v_manifest -> 'objects') o), v_manifest);
  EXECUTE format('ALTER TABLE %I.%I DROP PARTITION FOR (RANK(%s))', p_schema, p_table, gppart._gp6_rank(t.paroid, v_child));
  RETURN v_rows;
END $$;

-- Greenplum 6 exchanges a partition for an external table only when no column is NOT NULL
-- (external tables cannot have constraints, and EXCHANGE requires them to match): refuse first.
CREATE OR REPLACE FUNCTION gppart._gp6_check_exchangeable_external(p_schema text, p_table text, p_child oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_cols text;
BEGIN
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO v_cols
    FROM pg_catalog.pg_attribute WHERE attrelid = p_child AND attnum > 0 AND NOT attisdropped AND attnotnull;
  IF v_cols IS NOT NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format(
      'Greenplum 6 cannot replace a partition by an external table while columns are NOT NULL (%s): use archive via: client, or drop those NOT NULL constraints', v_cols));
  END IF;
END $$;

-- The readable external table that replaces an unloaded partition: over p_uri, in p_format
-- ('pxf' = PXF's own parquet/text formatter, 'csv' = CSV text, e.g. a file:// location), shaped
-- like the partition. Its count must equal p_rows before the EXCHANGE; EXCHANGE swaps the names,
-- so afterwards the external table's name holds the old heap/AO table, which is dropped.
CREATE OR REPLACE FUNCTION gppart._gp6_exchange_external(p_schema text, p_table text, p_paroid oid, p_child oid,
  p_uri text, p_format text, p_rows bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_ext text := 'gppart_' || txid_current()::text || '_ext';
  v_count bigint;
BEGIN
  IF p_format NOT IN ('pxf', 'csv') THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('unknown external format %L', p_format));
  END IF;
  PERFORM gppart._gp6_check_exchangeable_external(p_schema, p_table, p_child);
  EXECUTE format('CREATE READABLE EXTERNAL TABLE %I.%I (LIKE %s) LOCATION (%L) %s', p_schema, v_ext, p_child::regclass, p_uri,
    CASE p_format WHEN 'pxf' THEN 'FORMAT ''CUSTOM'' (FORMATTER=''pxfwritable_import'')' ELSE 'FORMAT ''CSV''' END);
  EXECUTE format('SELECT count(*) FROM %I.%I', p_schema, v_ext) INTO v_count;
  IF v_count <> p_rows THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('the archive at %s holds %s rows, the partition %s; nothing was changed',
      p_uri, v_count, p_rows));
  END IF;
  -- The rows are the partition's own, read back: no validation scan of an external table.
  EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION FOR (RANK(%s)) WITH TABLE %I.%I WITHOUT VALIDATION',
    p_schema, p_table, gppart._gp6_rank(p_paroid, p_child), p_schema, v_ext);
  EXECUTE format('DROP TABLE %I.%I', p_schema, v_ext);
END $$;

-- PXF path: INSERT … SELECT into a PXF writable external table (every segment writes its rows in
-- parallel, under <location>data/), then the partition becomes a readable external table over
-- the same objects once its count matches. One call; any failure rolls all of it back (objects
-- PXF already wrote stay, and are overwritten by the next attempt's files or left as orphans).
CREATE OR REPLACE FUNCTION gppart.unload_pxf(p_schema text, p_table text, p_partition_schema text, p_partition text,
  p_start text, p_end text, p_location text, p_format text, p_server text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_child oid;
  v_rows bigint;
  v_path text;
  v_uri text;
  v_w text := 'gppart_' || txid_current()::text || '_wext';
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  v_child := gppart._gp6_archive_source(p_schema, p_table, t.paroid, t.keytype, p_partition_schema, p_partition, p_start, p_end);
  v_path := substring(p_location from '^s3://([a-z0-9][a-z0-9.-]+[a-z0-9]/[A-Za-z0-9_.%/-]*/)$');
  IF v_path IS NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('archive location %L is not s3://bucket/folder/ (letters, digits, _ . %% / -)', p_location));
  END IF;
  IF p_server IS NULL OR p_server !~ '^[A-Za-z0-9_.-]+$' THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('PXF server %L is not a server name', p_server));
  END IF;
  IF p_format = 'parquet' THEN
    v_uri := format('pxf://%sdata?PROFILE=s3:parquet&SERVER=%s', v_path, p_server);
  ELSIF p_format = 'csv.gz' THEN
    v_uri := format('pxf://%sdata?PROFILE=s3:text&SERVER=%s&COMPRESSION_CODEC=gzip', v_path, p_server);
  ELSE
    PERFORM gppart._gp6_fail(p_schema, p_table, format('unknown archive format %L', p_format));
  END IF;
  PERFORM gppart._gp6_check_exchangeable_external(p_schema, p_table, v_child);
  EXECUTE format('SELECT count(*) FROM %s', v_child::regclass) INTO v_rows;
  EXECUTE format('CREATE WRITABLE EXTERNAL TABLE %I.%I (LIKE %s) LOCATION (%L) %s %s', p_schema, v_w, v_child::regclass, v_uri,
    CASE WHEN p_format = 'parquet' THEN 'FORMAT ''CUSTOM'' (FORMATTER=''pxfwritable_export'')' ELSE 'FORMAT ''CSV''' END,
    pg_catalog.pg_get_table_distributedby(t.relid));
  EXECUTE format('INSERT INTO %I.%I SELECT * FROM %s', p_schema, v_w, v_child::regclass);
  PERFORM gppart._gp6_exchange_external(p_schema, p_table, t.paroid, v_child, v_uri,
    CASE WHEN p_format = 'parquet' THEN 'pxf' ELSE 'csv' END, v_rows);
  EXECUTE format('DROP EXTERNAL TABLE %I.%I', p_schema, v_w);
  INSERT INTO gppart.archives (event, table_schema, table_name, partition_schema, partition_name,
                               key_type, range_start, range_end, location, format, via, rows)
  VALUES ('archived', p_schema, p_table, p_partition_schema, p_partition, t.keytype, p_start, p_end,
          p_location, p_format, 'pxf', v_rows);
  RETURN v_rows;
END $$;

-- Restore, step 1: an empty table shaped like the parent (its distribution, storage of the parent)
-- that the client streams the archive into. Refuses when a non-external partition covers part of
-- the range.
CREATE OR REPLACE FUNCTION gppart.restore_prepare(p_schema text, p_table text, p_name text, p_start text, p_end text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  r record;
  b record;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  EXECUTE format('LOCK TABLE %I.%I IN SHARE UPDATE EXCLUSIVE MODE', p_schema, p_table);
  IF gppart._gp6_cmp(t.keytype, p_start, p_end) >= 0 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('range [%s, %s) is empty', p_start, p_end));
  END IF;
  FOR r IN SELECT parchildrelid FROM pg_catalog.pg_partition_rule WHERE paroid = t.paroid AND parparentrule = 0 AND NOT parisdefault LOOP
    SELECT * INTO b FROM gppart._gp6_bounds(t.paroid, r.parchildrelid, t.keytype);
    CONTINUE WHEN (SELECT relstorage FROM pg_catalog.pg_class WHERE oid = r.parchildrelid) = 'x'
      AND gppart._gp6_cmp(t.keytype, b.r_from, p_start) = 0 AND gppart._gp6_cmp(t.keytype, b.r_to, p_end) = 0;
    IF gppart._gp6_cmp(t.keytype, b.r_from, p_end) < 0 AND gppart._gp6_cmp(t.keytype, p_start, b.r_to) < 0 THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('cannot restore [%s, %s): partition %s already covers part of it',
        p_start, p_end, r.parchildrelid::regclass));
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = p_schema AND c.relname = p_name) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('name %I.%I is taken', p_schema, p_name));
  END IF;
  PERFORM gppart._gp6_new_table(t.relid, p_schema, p_name, gppart._gp6_reloptions(t.relid), gppart._gp6_tablespace(t.relid), t.relid);
  RETURN 0;
END $$;

-- Restore, step 2: count (must equal the archive's), then put the table in as the partition
-- [p_start, p_end): in place of the external partition of a PXF archive, else out of the DEFAULT
-- (which must hold no row of the range) or as a new range.
CREATE OR REPLACE FUNCTION gppart.restore_finish(p_schema text, p_table text, p_name text, p_start text, p_end text,
  p_archive_id bigint, p_apply_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  v_archive record;
  v_rows bigint;
  v_ext oid;
  v_default oid;
  v_in_default bigint;
  v_part text := 'r' || regexp_replace(p_start, '[^0-9]', '', 'g');
  r record;
  b record;
BEGIN
  SELECT * INTO t FROM gppart._gp6_table(p_schema, p_table);
  SELECT * INTO v_archive FROM gppart.archives a
   WHERE a.id = p_archive_id AND a.event = 'archived' AND a.table_schema = p_schema AND a.table_name = p_table;
  IF v_archive.id IS NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('archive %s of this table does not exist', p_archive_id));
  END IF;
  EXECUTE format('SELECT count(*) FROM %I.%I', p_schema, p_name) INTO v_rows;
  IF v_rows <> v_archive.rows THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('restored %s rows into %I.%I, but archive %s holds %s; rolled back',
      v_rows, p_schema, p_name, p_archive_id, v_archive.rows));
  END IF;
  EXECUTE format('LOCK TABLE %I.%I IN ACCESS EXCLUSIVE MODE', p_schema, p_table);
  FOR r IN SELECT parchildrelid FROM pg_catalog.pg_partition_rule WHERE paroid = t.paroid AND parparentrule = 0 AND NOT parisdefault LOOP
    SELECT * INTO b FROM gppart._gp6_bounds(t.paroid, r.parchildrelid, t.keytype);
    IF gppart._gp6_cmp(t.keytype, b.r_from, p_start) = 0 AND gppart._gp6_cmp(t.keytype, b.r_to, p_end) = 0 THEN
      v_ext := r.parchildrelid;
    END IF;
  END LOOP;
  IF v_ext IS NULL THEN
    SELECT parchildrelid INTO v_default FROM pg_catalog.pg_partition_rule WHERE paroid = t.paroid AND parparentrule = 0 AND parisdefault;
    IF v_default IS NOT NULL THEN
      EXECUTE format('SELECT count(*) FROM %s WHERE %I >= %L::%s AND %I < %L::%s', v_default::regclass,
        t.keycol, p_start, t.keytype, t.keycol, p_end, t.keytype) INTO v_in_default;
      IF v_in_default > 0 THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format('the DEFAULT partition holds %s rows of [%s, %s); move them out before restoring', v_in_default, p_start, p_end));
      END IF;
      EXECUTE format('ALTER TABLE %I.%I SPLIT DEFAULT PARTITION START (%L::%s) INCLUSIVE END (%L::%s) EXCLUSIVE INTO (PARTITION %I, DEFAULT PARTITION)',
        p_schema, p_table, p_start, t.keytype, p_end, t.keytype, v_part);
    ELSE
      EXECUTE format('ALTER TABLE %I.%I ADD PARTITION %I START (%L::%s) INCLUSIVE END (%L::%s) EXCLUSIVE',
        p_schema, p_table, v_part, p_start, t.keytype, p_end, t.keytype);
    END IF;
  END IF;
  -- With validation: restored rows must lie in the range. EXCHANGE swaps names: p_name then holds
  -- the empty partition (or the external table), which is dropped.
  EXECUTE format('ALTER TABLE %I.%I EXCHANGE PARTITION FOR (%L::%s) WITH TABLE %I.%I',
    p_schema, p_table, p_start, t.keytype, p_schema, p_name);
  IF (SELECT relstorage FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = p_schema AND c.relname = p_name) = 'x' THEN
    EXECUTE format('DROP EXTERNAL TABLE %I.%I', p_schema, p_name);
  ELSE
    EXECUTE format('DROP TABLE %I.%I', p_schema, p_name);
  END IF;
  INSERT INTO gppart.archives (event, archive_id, apply_id, table_schema, table_name, partition_schema, partition_name,
                               key_type, range_start, range_end, location, format, via, rows, bytes)
  VALUES ('restored', p_archive_id, p_apply_id, p_schema, p_table, p_schema, p_name, t.keytype, p_start, p_end,
          v_archive.location, v_archive.format, v_archive.via, v_rows, v_archive.bytes);
  RETURN v_rows;
END $$;
