-- Archive to object storage (the unload step) and restore: the catalog of archived ranges and the
-- functions that finish an unload and a restore inside the transaction that streamed the rows.
--
-- gppart.archives is append-only: one row when a partition was archived, one more when an archive
-- was restored (archive_id names which). A range is "archived" while its latest row is 'archived'.
CREATE TABLE gppart.archives (
  id bigserial PRIMARY KEY,
  event text NOT NULL CHECK (event IN ('archived', 'restored')),
  archive_id bigint REFERENCES gppart.archives (id),
  apply_id bigint,
  table_schema text NOT NULL,
  table_name text NOT NULL,
  partition_schema text NOT NULL,
  partition_name text NOT NULL,
  key_type text NOT NULL,
  range_start text NOT NULL,
  range_end text NOT NULL,
  -- s3://bucket/folder/ (the manifest is <location>_manifest.json)
  location text NOT NULL,
  format text NOT NULL,
  via text NOT NULL,
  rows bigint NOT NULL,
  bytes bigint,
  manifest jsonb,
  at timestamptz NOT NULL DEFAULT now(),
  db_user text NOT NULL DEFAULT current_user,
  CHECK ((event = 'restored') = (archive_id IS NOT NULL))
);

CREATE INDEX archives_table_idx ON gppart.archives (table_schema, table_name, id);

CREATE OR REPLACE FUNCTION gppart._archives_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'gppart: gppart.archives is append-only: it is the record of what is in object storage';
END $$;

CREATE TRIGGER archives_append_only BEFORE UPDATE OR DELETE ON gppart.archives
  FOR EACH ROW EXECUTE FUNCTION gppart._archives_append_only();
CREATE TRIGGER archives_no_truncate BEFORE TRUNCATE ON gppart.archives
  FOR EACH STATEMENT EXECUTE FUNCTION gppart._archives_append_only();

-- The partition an unload reads, resolved and locked: SHARE UPDATE EXCLUSIVE on the parent (ONLY:
-- other DDL waits, reads and writes of every other partition go on) and SHARE on the partition
-- (its writers wait, its readers go on). gppart apply takes the same locks before the first row
-- is streamed; this function takes them again (a no-op then) so that it is safe on its own.
CREATE OR REPLACE FUNCTION gppart._archive_source(
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text,
  OUT parent regclass, OUT child regclass, OUT key_type text
)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE', v_key.parent);
  child := gppart._check_bounds(v_label, v_key.parent, v_key.key_type, p_partition_schema, p_partition, p_start, p_end);
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = child) <> 'r' THEN
    PERFORM gppart._raise(v_label, format('partition %s is not a plain table; nothing to unload', child));
  END IF;
  EXECUTE format('LOCK TABLE %s IN SHARE MODE', child);
  parent := v_key.parent;
  key_type := v_key.key_type;
END $$;

-- gppart.unload_finish: the last part of an unload (client path). The caller has streamed the
-- partition's rows to object storage under the locks of _archive_source, checked every object and
-- written the manifest; this counts the partition again, refuses when the count differs from the
-- rows the caller streamed (or from the manifest's), records the archive, and drops the partition.
-- Returns the rows archived.
CREATE OR REPLACE FUNCTION gppart.unload_finish(
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text,
  p_location text, p_format text, p_rows bigint, p_manifest text, p_apply_id bigint
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_src record;
  v_rows bigint;
  v_manifest jsonb;
BEGIN
  v_src := gppart._archive_source(p_schema, p_table, p_partition_schema, p_partition, p_start, p_end);
  IF p_location IS NULL OR p_location !~ '^[a-z0-9]+://[^/]+/.*/$' THEN
    PERFORM gppart._raise(v_label, format('archive location %L is not of the form scheme://bucket/folder/', p_location));
  END IF;
  IF p_format NOT IN ('parquet', 'csv.gz') THEN
    PERFORM gppart._raise(v_label, format('unknown archive format %L', p_format));
  END IF;
  BEGIN
    v_manifest := p_manifest::jsonb;
  EXCEPTION WHEN others THEN
    PERFORM gppart._raise(v_label, 'the manifest is not valid JSON');
  END;
  v_rows := gppart._count(v_src.child);
  IF p_rows IS NULL OR v_rows <> p_rows OR (v_manifest ->> 'rows')::bigint IS DISTINCT FROM v_rows THEN
    PERFORM gppart._raise(v_label, format('partition %s holds %s rows, but %s were archived (manifest: %s); nothing was dropped',
      v_src.child, v_rows, p_rows, v_manifest ->> 'rows'));
  END IF;
  INSERT INTO gppart.archives (event, apply_id, table_schema, table_name, partition_schema, partition_name,
                               key_type, range_start, range_end, location, format, via, rows, bytes, manifest)
  VALUES ('archived', p_apply_id, p_schema, p_table, p_partition_schema, p_partition, v_src.key_type,
          p_start, p_end, p_location, p_format, 'client', v_rows,
          (SELECT sum((o ->> 'bytes')::bigint) FROM jsonb_array_elements(v_manifest -> 'objects') o), v_manifest);
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_src.parent);
  EXECUTE format('DROP TABLE %s', v_src.child);
  RETURN v_rows;
END $$;

-- gppart.restore_prepare: a private, empty table shaped like the parent (columns, defaults, CHECKs,
-- NOT NULLs; no indexes yet) that restore streams an archive into, before restore_finish attaches
-- it. Refuses when the range is not free (a partition overlaps it). Returns 0.
CREATE OR REPLACE FUNCTION gppart.restore_prepare(
  p_schema text, p_table text, p_name text, p_start text, p_end text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_lo float8;
  v_hi float8;
  v_p record;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  EXECUTE format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE', v_key.parent);
  v_lo := gppart._axis(v_label, v_key.key_type, p_start);
  v_hi := gppart._axis(v_label, v_key.key_type, p_end);
  IF NOT v_lo < v_hi THEN
    PERFORM gppart._raise(v_label, format('range [%s, %s) is empty', p_start, p_end));
  END IF;
  FOR v_p IN SELECT * FROM gppart._partitions(v_label, v_key.parent, v_key.key_type) LOOP
    IF NOT v_p.is_default AND v_p.lo < v_hi AND v_lo < v_p.hi THEN
      PERFORM gppart._raise(v_label, format('cannot restore [%s, %s): partition %s already covers part of it', p_start, p_end, v_p.child));
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = p_schema AND c.relname = p_name) THEN
    PERFORM gppart._raise(v_label, format('name %I.%I is taken', p_schema, p_name));
  END IF;
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)',
    p_schema, p_name, v_key.parent);
  RETURN 0;
END $$;

-- gppart.restore_finish: counts the restored rows (must equal the archive's), attaches the table
-- as the partition [p_start, p_end) with the parent's owner and grants, and records the restore.
-- A DEFAULT partition holding rows of the range makes ATTACH fail: nothing is changed then.
CREATE OR REPLACE FUNCTION gppart.restore_finish(
  p_schema text, p_table text, p_name text, p_start text, p_end text, p_archive_id bigint, p_apply_id bigint
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET row_security = off AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_key record;
  v_child regclass;
  v_archive record;
  v_rows bigint;
  v_pred text;
BEGIN
  v_key := gppart._part_key(p_schema, p_table);
  v_child := format('%I.%I', p_schema, p_name)::regclass;
  SELECT * INTO v_archive FROM gppart.archives a
   WHERE a.id = p_archive_id AND a.event = 'archived' AND a.table_schema = p_schema AND a.table_name = p_table;
  IF v_archive.id IS NULL THEN
    PERFORM gppart._raise(v_label, format('archive %s of this table does not exist', p_archive_id));
  END IF;
  v_rows := gppart._count(v_child);
  IF v_rows <> v_archive.rows THEN
    PERFORM gppart._raise(v_label, format('restored %s rows into %s, but archive %s holds %s; rolled back', v_rows, v_child, p_archive_id, v_archive.rows));
  END IF;
  -- A CHECK matching the bounds lets ATTACH skip its validation scan; rows outside it fail here.
  v_pred := gppart._range_predicate(v_key.key_column, v_key.key_type, ARRAY[p_start], ARRAY[p_end]);
  EXECUTE format('ALTER TABLE %s ADD CONSTRAINT gppart_attach_bounds CHECK (%s)', v_child, v_pred);
  EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', v_key.parent);
  EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%s) TO (%s)', v_key.parent, v_child,
    gppart._bound_sql(v_key.key_type, p_start), gppart._bound_sql(v_key.key_type, p_end));
  EXECUTE format('ALTER TABLE %s DROP CONSTRAINT gppart_attach_bounds', v_child);
  PERFORM gppart._copy_owner_and_grants(v_key.parent, v_child);
  -- A new table: its statistics cannot outlive a rollback of this step (docs/architecture.md).
  EXECUTE format('ANALYZE %s', v_child);
  INSERT INTO gppart.archives (event, archive_id, apply_id, table_schema, table_name, partition_schema, partition_name,
                               key_type, range_start, range_end, location, format, via, rows, bytes, manifest)
  VALUES ('restored', p_archive_id, p_apply_id, p_schema, p_table, p_schema, p_name, v_archive.key_type,
          p_start, p_end, v_archive.location, v_archive.format, v_archive.via, v_rows, v_archive.bytes, NULL);
  RETURN v_rows;
END $$;

-- gppart.unload_pxf: the PXF path exists on Greenplum only (sql/greenplum6); here it refuses, so
-- that every dialect has the same functions and a plan made for the wrong server fails clearly.
CREATE OR REPLACE FUNCTION gppart.unload_pxf(
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text,
  p_location text, p_format text, p_server text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM gppart._raise(format('%I.%I', p_schema, p_table), 'archive via: pxf needs Greenplum with PXF; on this server use via: client');
  RETURN 0;
END $$;
