-- Private helpers of the step functions (names start with "_"; not part of the contract).
-- Every helper runs with search_path = pg_catalog, pg_temp so that nothing a caller puts on the
-- path can shadow an operator, function or cast used here; every relation is schema-qualified.

-- Raises the one error shape of every gppart function: `gppart: <table>: <what is wrong>`.
CREATE OR REPLACE FUNCTION gppart._raise(p_table text, p_message text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = format('gppart: %s: %s', p_table, p_message);
END $$;

-- Resolves a range-partitioned table and its key column; raises unless it is range-partitioned on
-- one plain column of type date, timestamp or timestamptz.
CREATE OR REPLACE FUNCTION gppart._part_key(
  p_schema text, p_table text,
  OUT parent regclass, OUT key_column text, OUT key_type text
)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_label text := format('%I.%I', p_schema, p_table);
  v_kind "char";
  v_strategy "char";
  v_natts int;
  v_attnum int;
  v_typid oid;
BEGIN
  IF p_schema IS NULL OR p_table IS NULL THEN
    PERFORM gppart._raise(coalesce(v_label, '?'), 'schema and table name must not be NULL');
  END IF;
  SELECT c.oid, c.relkind INTO parent, v_kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = p_schema AND c.relname = p_table;
  IF parent IS NULL THEN
    PERFORM gppart._raise(v_label, 'table does not exist');
  END IF;
  IF v_kind <> 'p' THEN
    PERFORM gppart._raise(v_label, 'table is not partitioned');
  END IF;
  SELECT pt.partstrat, pt.partnatts, pt.partattrs[0] INTO v_strategy, v_natts, v_attnum
    FROM pg_partitioned_table pt WHERE pt.partrelid = parent;
  IF v_strategy <> 'r' THEN
    PERFORM gppart._raise(v_label, 'table is not range-partitioned');
  END IF;
  IF v_natts <> 1 OR v_attnum = 0 THEN
    PERFORM gppart._raise(v_label, 'table must be partitioned on exactly one column (not an expression)');
  END IF;
  SELECT a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod)
    INTO key_column, v_typid, key_type
    FROM pg_attribute a WHERE a.attrelid = parent AND a.attnum = v_attnum;
  IF v_typid NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
    PERFORM gppart._raise(v_label, format('partition key %I has type %s; only date, timestamp and timestamptz are supported', key_column, key_type));
  END IF;
END $$;

-- A bound (text in the key's literal syntax, or MINVALUE / MAXVALUE) as SQL for FOR VALUES and WHERE.
-- key_type comes from format_type of a date/timestamp/timestamptz column, never from a caller.
CREATE OR REPLACE FUNCTION gppart._bound_sql(p_key_type text, p_value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF upper(btrim(p_value)) IN ('MINVALUE', 'MAXVALUE') THEN
    RETURN upper(btrim(p_value));
  END IF;
  RETURN format('%L::%s', p_value, p_key_type);
END $$;

-- A bound as a point on one comparable axis (epoch seconds; MINVALUE/MAXVALUE = ∓Infinity), so
-- bounds of any key type compare with plain float8 operators. Raises on text that is not a value
-- of the key type.
CREATE OR REPLACE FUNCTION gppart._axis(p_table text, p_key_type text, p_value text) RETURNS float8
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_point float8;
BEGIN
  IF p_value IS NULL THEN
    PERFORM gppart._raise(p_table, 'a range bound is NULL');
  END IF;
  IF upper(btrim(p_value)) = 'MINVALUE' THEN RETURN '-Infinity'::float8; END IF;
  IF upper(btrim(p_value)) = 'MAXVALUE' THEN RETURN 'Infinity'::float8; END IF;
  BEGIN
    IF p_key_type = 'date' THEN
      EXECUTE format('SELECT extract(epoch FROM %L::date::timestamp)::float8', p_value) INTO v_point;
    ELSE
      EXECUTE format('SELECT extract(epoch FROM %L::%s)::float8', p_value, p_key_type) INTO v_point;
    END IF;
  EXCEPTION WHEN data_exception THEN
    PERFORM gppart._raise(p_table, format('bound %L is not a valid %s', p_value, p_key_type));
  END;
  RETURN v_point;
END $$;

-- The bounds of one partition as pg_get_expr prints them: is_default, or lo/hi as the literal
-- text (unquoted) or MINVALUE / MAXVALUE.
CREATE OR REPLACE FUNCTION gppart._bounds(p_child regclass, OUT is_default boolean, OUT lo text, OUT hi text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_expr text;
  v_parts text[];
BEGIN
  SELECT pg_get_expr(c.relpartbound, c.oid) INTO v_expr FROM pg_class c WHERE c.oid = p_child;
  is_default := v_expr = 'DEFAULT';
  IF is_default THEN RETURN; END IF;
  v_parts := regexp_match(v_expr, '^FOR VALUES FROM \((MINVALUE|''(?:[^'']|'''')*'')\) TO \((MAXVALUE|''(?:[^'']|'''')*'')\)$');
  IF v_parts IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001',
      MESSAGE = format('gppart: %s: unexpected partition bound %s', p_child, v_expr);
  END IF;
  lo := v_parts[1];
  hi := v_parts[2];
  IF lo <> 'MINVALUE' THEN lo := replace(substr(lo, 2, length(lo) - 2), '''''', ''''); END IF;
  IF hi <> 'MAXVALUE' THEN hi := replace(substr(hi, 2, length(hi) - 2), '''''', ''''); END IF;
END $$;

-- Every partition of a table with its bounds on the comparable axis (lo/hi NULL for the DEFAULT).
CREATE OR REPLACE FUNCTION gppart._partitions(p_label text, p_parent regclass, p_key_type text)
RETURNS TABLE (child regclass, is_default boolean, lo float8, hi float8)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_child regclass;
  v_b record;
BEGIN
  FOR v_child IN SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent = p_parent ORDER BY i.inhrelid LOOP
    v_b := gppart._bounds(v_child);
    child := v_child;
    is_default := v_b.is_default;
    IF v_b.is_default THEN
      lo := NULL; hi := NULL;
    ELSE
      lo := gppart._axis(p_label, p_key_type, v_b.lo);
      hi := gppart._axis(p_label, p_key_type, v_b.hi);
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;

-- Resolves p_schema.p_name as a non-default partition of p_parent whose bounds are exactly
-- [p_start, p_end); raises otherwise. A plan made against another layout therefore cannot act on
-- the wrong rows.
CREATE OR REPLACE FUNCTION gppart._check_bounds(
  p_label text, p_parent regclass, p_key_type text,
  p_schema text, p_name text, p_start text, p_end text
) RETURNS regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_child regclass;
  v_b record;
BEGIN
  v_child := gppart._child_of(p_label, p_parent, p_schema, p_name);
  v_b := gppart._bounds(v_child);
  IF v_b.is_default THEN
    PERFORM gppart._raise(p_label, format('partition %I.%I is the DEFAULT partition', p_schema, p_name));
  END IF;
  IF gppart._axis(p_label, p_key_type, p_start) IS DISTINCT FROM gppart._axis(p_label, p_key_type, v_b.lo)
     OR gppart._axis(p_label, p_key_type, p_end) IS DISTINCT FROM gppart._axis(p_label, p_key_type, v_b.hi) THEN
    PERFORM gppart._raise(p_label, format('partition %I.%I has bounds [%s, %s), not [%s, %s)',
      p_schema, p_name, v_b.lo, v_b.hi, p_start, p_end));
  END IF;
  RETURN v_child;
END $$;

-- Resolves p_schema.p_name as a partition (any, DEFAULT included) of p_parent; raises otherwise.
CREATE OR REPLACE FUNCTION gppart._child_of(p_label text, p_parent regclass, p_schema text, p_name text)
RETURNS regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_child oid;
BEGIN
  SELECT c.oid INTO v_child
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = p_schema AND c.relname = p_name;
  IF v_child IS NULL THEN
    PERFORM gppart._raise(p_label, format('partition %I.%I does not exist', p_schema, p_name));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = v_child AND i.inhparent = p_parent) THEN
    PERFORM gppart._raise(p_label, format('%I.%I is not a partition of this table', p_schema, p_name));
  END IF;
  RETURN v_child::regclass;
END $$;

-- Validates the new ranges of a split or merge: equal array lengths, every range non-empty, no two
-- overlapping. Returns them on the comparable axis.
CREATE OR REPLACE FUNCTION gppart._check_new_ranges(
  p_label text, p_key_type text, p_starts text[], p_ends text[], p_names text[], p_tablespaces text[],
  OUT lo float8[], OUT hi float8[]
)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n int := coalesce(cardinality(p_starts), 0);
BEGIN
  IF n < 1 THEN
    PERFORM gppart._raise(p_label, 'no new partitions given (p_starts is empty)');
  END IF;
  IF cardinality(p_ends) IS DISTINCT FROM n OR cardinality(p_names) IS DISTINCT FROM n
     OR cardinality(p_tablespaces) IS DISTINCT FROM n THEN
    PERFORM gppart._raise(p_label, format('array lengths differ: %s starts, %s ends, %s names, %s tablespaces',
      n, coalesce(cardinality(p_ends), 0), coalesce(cardinality(p_names), 0), coalesce(cardinality(p_tablespaces), 0)));
  END IF;
  lo := '{}'; hi := '{}';
  FOR i IN 1 .. n LOOP
    IF p_names[i] IS NULL OR p_names[i] = '' THEN
      PERFORM gppart._raise(p_label, format('name of new partition %s is empty', i));
    END IF;
    lo := lo || gppart._axis(p_label, p_key_type, p_starts[i]);
    hi := hi || gppart._axis(p_label, p_key_type, p_ends[i]);
    IF NOT lo[i] < hi[i] THEN
      PERFORM gppart._raise(p_label, format('range [%s, %s) of %I is empty', p_starts[i], p_ends[i], p_names[i]));
    END IF;
    FOR j IN 1 .. i - 1 LOOP
      IF lo[i] < hi[j] AND lo[j] < hi[i] THEN
        PERFORM gppart._raise(p_label, format('new ranges [%s, %s) and [%s, %s) overlap',
          p_starts[j], p_ends[j], p_starts[i], p_ends[i]));
      END IF;
      IF p_names[i] = p_names[j] THEN
        PERFORM gppart._raise(p_label, format('name %I is given twice', p_names[i]));
      END IF;
    END LOOP;
  END LOOP;
END $$;

-- ` TABLESPACE x` for an existing tablespace, '' for NULL; raises for a missing one.
CREATE OR REPLACE FUNCTION gppart._tablespace_clause(p_label text, p_tablespace text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_tablespace IS NULL THEN RETURN ''; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_tablespace t WHERE t.spcname = p_tablespace) THEN
    PERFORM gppart._raise(p_label, format('tablespace %I does not exist', p_tablespace));
  END IF;
  RETURN format(' TABLESPACE %I', p_tablespace);
END $$;

-- ` WITH (k='v', …)` from `k=v[, k=v…]` (keys [a-z_]+, values [A-Za-z0-9_.]+), '' for NULL/empty;
-- raises on anything else, so no text of the caller reaches the DDL unquoted.
CREATE OR REPLACE FUNCTION gppart._storage_clause(p_label text, p_storage text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_pair text;
  v_kv text[];
  v_items text[] := '{}';
BEGIN
  IF p_storage IS NULL OR btrim(p_storage) = '' THEN RETURN ''; END IF;
  FOREACH v_pair IN ARRAY string_to_array(p_storage, ',') LOOP
    v_kv := regexp_match(v_pair, '^\s*([a-z_]+)\s*=\s*([A-Za-z0-9_.]+)\s*$');
    IF v_kv IS NULL THEN
      PERFORM gppart._raise(p_label, format('bad storage clause %L: expected key=value[, key=value…] with keys [a-z_]+ and values [A-Za-z0-9_.]+', p_storage));
    END IF;
    v_items := v_items || format('%I=%L', v_kv[1], v_kv[2]);
  END LOOP;
  RETURN format(' WITH (%s)', array_to_string(v_items, ', '));
END $$;

-- `(key IS NOT NULL [AND key >= lo] [AND key < hi]) OR …` for the given ranges: the rows that
-- belong to them, the way PostgreSQL's partition constraint defines it.
CREATE OR REPLACE FUNCTION gppart._range_predicate(p_key_column text, p_key_type text, p_starts text[], p_ends text[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_terms text[] := '{}';
  v_term text;
BEGIN
  FOR i IN 1 .. cardinality(p_starts) LOOP
    v_term := format('%I IS NOT NULL', p_key_column);
    IF upper(btrim(p_starts[i])) <> 'MINVALUE' THEN
      v_term := v_term || format(' AND %I >= %s', p_key_column, gppart._bound_sql(p_key_type, p_starts[i]));
    END IF;
    IF upper(btrim(p_ends[i])) <> 'MAXVALUE' THEN
      v_term := v_term || format(' AND %I < %s', p_key_column, gppart._bound_sql(p_key_type, p_ends[i]));
    END IF;
    v_terms := v_terms || ('(' || v_term || ')');
  END LOOP;
  RETURN array_to_string(v_terms, ' OR ');
END $$;

-- The parent's columns a row copy must list: explicit names keep the copy right when a child's
-- physical column order differs from the parent's; generated columns are computed, not copied.
CREATE OR REPLACE FUNCTION gppart._columns(p_parent regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
    FROM pg_attribute a
   WHERE a.attrelid = p_parent AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
$$;

CREATE OR REPLACE FUNCTION gppart._count(p_rel regclass) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_rows bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %s', p_rel) INTO v_rows;
  RETURN v_rows;
END $$;

-- Gives a new partition the parent's owner and exactly the parent's grants: PostgreSQL checks a
-- query on the parent against the parent's ACL only, but a query that names the partition
-- directly is checked against the partition's, which would otherwise be the creator's defaults.
CREATE OR REPLACE FUNCTION gppart._copy_owner_and_grants(p_parent regclass, p_child regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_owner oid;
  v_child_owner oid;
  v_acl record;
BEGIN
  SELECT c.relowner INTO v_owner FROM pg_class c WHERE c.oid = p_parent;
  SELECT c.relowner INTO v_child_owner FROM pg_class c WHERE c.oid = p_child;
  IF v_owner <> v_child_owner THEN
    EXECUTE format('ALTER TABLE %s OWNER TO %I', p_child, pg_get_userbyid(v_owner));
  END IF;
  -- Default privileges may have granted the new table to someone the parent is not granted to.
  FOR v_acl IN
    SELECT DISTINCT a.grantee
      FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.oid = p_child AND a.grantee <> v_owner
  LOOP
    EXECUTE format('REVOKE ALL ON TABLE %s FROM %s', p_child,
      CASE WHEN v_acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_acl.grantee)) END);
  END LOOP;
  FOR v_acl IN
    SELECT a.grantee, a.privilege_type, a.is_grantable
      FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.oid = p_parent AND a.grantee <> v_owner
  LOOP
    IF v_acl.privilege_type !~ '^[A-Z ]+$' THEN
      RAISE EXCEPTION 'gppart: unexpected privilege %', v_acl.privilege_type;
    END IF;
    EXECUTE format('GRANT %s ON TABLE %s TO %s%s', v_acl.privilege_type, p_child,
      CASE WHEN v_acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_acl.grantee)) END,
      CASE WHEN v_acl.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $$;
