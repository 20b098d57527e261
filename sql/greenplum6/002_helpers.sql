-- Internal helpers of the Greenplum 6 functions (names start with "_": not part of the contract in
-- docs/procedures.md). PL/pgSQL of PostgreSQL 9.4: format() %I/%L, FOREACH, no procedures.

CREATE OR REPLACE FUNCTION gppart._gp6_fail(p_schema text, p_table text, p_msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'gppart: %.%: %', p_schema, p_table, p_msg USING ERRCODE = 'P0001';
END $$;

-- The managed table: must be range-partitioned on one date/timestamp column, one level deep.
CREATE OR REPLACE FUNCTION gppart._gp6_table(p_schema text, p_table text,
  OUT relid oid, OUT paroid oid, OUT keycol text, OUT keytype text)
LANGUAGE plpgsql AS $$
DECLARE
  v_levels int;
  v_kind text;
  v_natts int;
BEGIN
  SELECT c.oid INTO relid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = p_schema AND c.relname = p_table AND c.relkind = 'r';
  IF relid IS NULL THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'table not found'); END IF;
  SELECT count(*) INTO v_levels FROM pg_catalog.pg_partition WHERE parrelid = relid AND NOT paristemplate;
  IF v_levels = 0 THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'table is not partitioned'); END IF;
  IF v_levels > 1 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'multi-level (subpartitioned) tables are not supported yet');
  END IF;
  SELECT p.oid, p.parkind::text, p.parnatts, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod)
    INTO paroid, v_kind, v_natts, keycol, keytype
    FROM pg_catalog.pg_partition p
    JOIN pg_catalog.pg_attribute a ON a.attrelid = p.parrelid AND a.attnum = p.paratts[0]
   WHERE p.parrelid = relid AND p.parlevel = 0 AND NOT p.paristemplate;
  IF v_kind <> 'r' THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'only range partitioning is supported'); END IF;
  IF v_natts <> 1 THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'partitioned on more than one column'); END IF;
  IF keytype NOT IN ('date', 'timestamp without time zone', 'timestamp with time zone') THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('partition key %s is of type %s; only date, timestamp and timestamptz are supported', keycol, keytype));
  END IF;
END $$;

-- "key=value, key=value" → "WITH (key='value', ...)", each pair re-quoted; '' for NULL/empty.
CREATE OR REPLACE FUNCTION gppart._gp6_with(p_storage text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_pair text;
  v_out text[] := '{}';
BEGIN
  IF p_storage IS NULL OR btrim(p_storage) = '' THEN RETURN ''; END IF;
  FOREACH v_pair IN ARRAY regexp_split_to_array(btrim(p_storage), E'\\s*,\\s*') LOOP
    IF v_pair !~ E'^[a-z_]+\\s*=\\s*[A-Za-z0-9_.]+$' THEN
      RAISE EXCEPTION 'gppart: storage option % is not key=value (keys [a-z_]+, values [A-Za-z0-9_.]+)', quote_literal(v_pair)
        USING ERRCODE = 'P0001';
    END IF;
    v_out := v_out || format('%I=%L', btrim(split_part(v_pair, '=', 1)), btrim(split_part(v_pair, '=', 2)));
  END LOOP;
  RETURN 'WITH (' || array_to_string(v_out, ', ') || ')';
END $$;

-- A relation's own storage options (appendonly, orientation, compresstype… live in reloptions on GP6).
CREATE OR REPLACE FUNCTION gppart._gp6_reloptions(p_rel oid) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT gppart._gp6_with(array_to_string(reloptions, ', ')) FROM pg_catalog.pg_class WHERE oid = $1
$$;

-- NULL = the database default tablespace.
CREATE OR REPLACE FUNCTION gppart._gp6_tablespace(p_rel oid) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT t.spcname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_tablespace t ON t.oid = c.reltablespace
   WHERE c.oid = $1
$$;

-- Owner and grants of p_from, given to p_schema.p_name (ADD/SPLIT/CREATE make tables owned by the caller).
CREATE OR REPLACE FUNCTION gppart._gp6_copy_access(p_from oid, p_schema text, p_name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', p_schema, p_name,
    (SELECT pg_catalog.pg_get_userbyid(relowner) FROM pg_catalog.pg_class WHERE oid = p_from));
  FOR r IN
    SELECT (a).grantee AS grantee, (a).privilege_type AS privilege_type, (a).is_grantable AS is_grantable
      FROM (SELECT pg_catalog.aclexplode(relacl) AS a, relowner FROM pg_catalog.pg_class WHERE oid = p_from) s
     WHERE (a).grantee <> s.relowner
  LOOP
    EXECUTE format('GRANT %s ON %I.%I TO %s%s', r.privilege_type, p_schema, p_name,
      CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r.grantee)) END,
      CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END $$;

-- An empty standalone table shaped like the parent, ready to be exchanged in: same columns,
-- defaults and CHECK constraints, the parent's distribution (EXCHANGE requires it), the given
-- storage and tablespace, and the owner and grants of p_access_from.
CREATE OR REPLACE FUNCTION gppart._gp6_new_table(p_relid oid, p_schema text, p_name text, p_with text,
  p_tablespace text, p_access_from oid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) %s %s %s',
    p_schema, p_name, p_relid::regclass, coalesce(p_with, ''),
    CASE WHEN p_tablespace IS NULL THEN '' ELSE format('TABLESPACE %I', p_tablespace) END,
    pg_catalog.pg_get_table_distributedby(p_relid));
  PERFORM gppart._gp6_copy_access(p_access_from, p_schema, p_name);
END $$;

-- RANK(n) as ALTER TABLE ... FOR (RANK(n)) counts it right now (non-default rules by parruleord).
CREATE OR REPLACE FUNCTION gppart._gp6_rank(p_paroid oid, p_child oid) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_rank bigint;
BEGIN
  SELECT rn INTO v_rank FROM (
    SELECT parchildrelid, row_number() OVER (ORDER BY parruleord) AS rn
      FROM pg_catalog.pg_partition_rule
     WHERE paroid = p_paroid AND parparentrule = 0 AND NOT parisdefault) s
   WHERE parchildrelid = p_child;
  RETURN v_rank;
END $$;

-- The child table p_part_schema.p_part, which must be a level-0 partition of the table.
CREATE OR REPLACE FUNCTION gppart._gp6_child(p_paroid oid, p_schema text, p_table text,
  p_part_schema text, p_part text) RETURNS oid
LANGUAGE plpgsql AS $$
DECLARE
  v_child oid;
BEGIN
  SELECT r.parchildrelid INTO v_child
    FROM pg_catalog.pg_partition_rule r
    JOIN pg_catalog.pg_class c ON c.oid = r.parchildrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE r.paroid = p_paroid AND r.parparentrule = 0 AND n.nspname = p_part_schema AND c.relname = p_part;
  IF v_child IS NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('%I.%I is not a partition of this table', p_part_schema, p_part));
  END IF;
  RETURN v_child;
END $$;

-- A rule's half-open bounds as text of the key type (MINVALUE/MAXVALUE when open). On a date key an
-- EXCLUSIVE START / INCLUSIVE END is normalised by one day; on timestamps it is refused.
CREATE OR REPLACE FUNCTION gppart._gp6_bounds(p_paroid oid, p_child oid, p_keytype text,
  OUT is_default boolean, OUT r_from text, OUT r_to text)
LANGUAGE plpgsql AS $$
DECLARE
  v_s text;
  v_e text;
  v_si boolean;
  v_ei boolean;
BEGIN
  SELECT parisdefault, pg_catalog.pg_get_expr(parrangestart, parchildrelid), parrangestartincl,
         pg_catalog.pg_get_expr(parrangeend, parchildrelid), parrangeendincl
    INTO is_default, v_s, v_si, v_e, v_ei
    FROM pg_catalog.pg_partition_rule WHERE paroid = p_paroid AND parchildrelid = p_child;
  IF is_default THEN RETURN; END IF;
  IF p_keytype <> 'date' AND ((v_s IS NOT NULL AND NOT v_si) OR (v_e IS NOT NULL AND v_ei)) THEN
    RAISE EXCEPTION 'gppart: partition % has an EXCLUSIVE START or INCLUSIVE END on a % key', p_child::regclass, p_keytype
      USING ERRCODE = 'P0001';
  END IF;
  IF v_s IS NULL THEN r_from := 'MINVALUE';
  ELSE EXECUTE format('SELECT ((%s)::%s %s)::text', v_s, p_keytype, CASE WHEN v_si THEN '' ELSE '+ 1' END) INTO r_from;
  END IF;
  IF v_e IS NULL THEN r_to := 'MAXVALUE';
  ELSE EXECUTE format('SELECT ((%s)::%s %s)::text', v_e, p_keytype, CASE WHEN v_ei THEN '+ 1' ELSE '' END) INTO r_to;
  END IF;
END $$;

-- Compare two bounds of the key type: -1, 0, 1. MINVALUE/MAXVALUE sort before/after everything.
CREATE OR REPLACE FUNCTION gppart._gp6_cmp(p_keytype text, a text, b text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  v_r int;
  v_a int := CASE upper(a) WHEN 'MINVALUE' THEN -1 WHEN 'MAXVALUE' THEN 1 ELSE 0 END;
  v_b int := CASE upper(b) WHEN 'MINVALUE' THEN -1 WHEN 'MAXVALUE' THEN 1 ELSE 0 END;
BEGIN
  IF v_a <> 0 OR v_b <> 0 THEN RETURN sign(v_a - v_b)::int; END IF;
  EXECUTE format('SELECT CASE WHEN %L::%s < %L::%s THEN -1 WHEN %L::%s > %L::%s THEN 1 ELSE 0 END',
    a, p_keytype, b, p_keytype, a, p_keytype, b, p_keytype) INTO v_r;
  RETURN v_r;
END $$;

-- Whether [p_from, p_to) lies inside the union of the ranges [p_starts[i], p_ends[i]): walk from
-- p_from, jumping to the end of the range that contains the position.
CREATE OR REPLACE FUNCTION gppart._gp6_covered(p_keytype text, p_from text, p_to text, p_starts text[], p_ends text[])
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_pos text := p_from;
  v_progress boolean;
  i int;
BEGIN
  WHILE gppart._gp6_cmp(p_keytype, v_pos, p_to) < 0 LOOP
    v_progress := false;
    FOR i IN 1 .. coalesce(array_length(p_starts, 1), 0) LOOP
      IF gppart._gp6_cmp(p_keytype, p_starts[i], v_pos) <= 0 AND gppart._gp6_cmp(p_keytype, v_pos, p_ends[i]) < 0 THEN
        v_pos := p_ends[i];
        v_progress := true;
        EXIT;
      END IF;
    END LOOP;
    IF NOT v_progress THEN RETURN false; END IF;
  END LOOP;
  RETURN true;
END $$;

-- Checks of the new ranges shared by split_default and merge_partitions: arrays line up, every
-- range is finite and non-empty, new ranges overlap neither each other nor any partition that is
-- not a source, names fit and are free, tablespaces exist. Returns the partition names to use.
CREATE OR REPLACE FUNCTION gppart._gp6_check_new(p_schema text, p_table text, p_paroid oid, p_keytype text,
  p_sources oid[], p_starts text[], p_ends text[], p_names text[], p_tablespaces text[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  v_n int := coalesce(array_length(p_starts, 1), 0);
  v_names text[] := '{}';
  v_name text;
  r record;
  b record;
  i int;
  j int;
BEGIN
  IF v_n = 0 OR v_n <> coalesce(array_length(p_ends, 1), 0) OR v_n <> coalesce(array_length(p_names, 1), 0)
     OR v_n <> coalesce(array_length(p_tablespaces, 1), 0) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'p_starts, p_ends, p_names and p_tablespaces must have the same length >= 1');
  END IF;
  FOR i IN 1 .. v_n LOOP
    IF upper(p_starts[i]) IN ('MINVALUE', 'MAXVALUE') OR upper(p_ends[i]) IN ('MINVALUE', 'MAXVALUE') THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, 'Greenplum 6 partitions made by gppart need finite bounds');
    END IF;
    IF gppart._gp6_cmp(p_keytype, p_starts[i], p_ends[i]) >= 0 THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('empty range [%s, %s)', p_starts[i], p_ends[i]));
    END IF;
    FOR j IN 1 .. i - 1 LOOP
      IF gppart._gp6_cmp(p_keytype, p_starts[i], p_ends[j]) < 0 AND gppart._gp6_cmp(p_keytype, p_starts[j], p_ends[i]) < 0 THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format('new ranges [%s, %s) and [%s, %s) overlap', p_starts[j], p_ends[j], p_starts[i], p_ends[i]));
      END IF;
    END LOOP;
    FOR r IN SELECT parchildrelid FROM pg_catalog.pg_partition_rule
              WHERE paroid = p_paroid AND parparentrule = 0 AND NOT parisdefault AND NOT (parchildrelid = ANY (p_sources)) LOOP
      SELECT * INTO b FROM gppart._gp6_bounds(p_paroid, r.parchildrelid, p_keytype);
      IF gppart._gp6_cmp(p_keytype, p_starts[i], b.r_to) < 0 AND gppart._gp6_cmp(p_keytype, b.r_from, p_ends[i]) < 0 THEN
        PERFORM gppart._gp6_fail(p_schema, p_table, format('new range [%s, %s) overlaps partition %s [%s, %s)',
          p_starts[i], p_ends[i], r.parchildrelid::regclass, b.r_from, b.r_to));
      END IF;
    END LOOP;
    -- GP6 names the child <table>_1_prt_<name>; a full child name is accepted and cut back to <name>.
    v_name := p_names[i];
    IF v_name IS NULL OR v_name = '' THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'partition names must not be empty'); END IF;
    IF left(v_name, length(p_table || '_1_prt_')) = p_table || '_1_prt_' AND length(v_name) > length(p_table || '_1_prt_') THEN
      v_name := substr(v_name, length(p_table || '_1_prt_') + 1);
    END IF;
    IF octet_length(p_table || '_1_prt_' || v_name) > 63 THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('child table name %s_1_prt_%s is longer than 63 bytes', p_table, v_name));
    END IF;
    IF v_name = ANY (v_names) THEN PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s given twice', v_name)); END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule WHERE paroid = p_paroid AND parname = v_name
                AND NOT (parchildrelid = ANY (p_sources)))
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = p_schema AND c.relname = p_table || '_1_prt_' || v_name AND NOT (c.oid = ANY (p_sources))) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s is already taken', v_name));
    END IF;
    IF p_tablespaces[i] IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = p_tablespaces[i]) THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %s does not exist', p_tablespaces[i]));
    END IF;
    v_names := v_names || v_name;
  END LOOP;
  RETURN v_names;
END $$;

-- The named partition is not the DEFAULT and covers exactly [p_start, p_end): a plan made against
-- another layout must never act on the wrong data. p_action says what was about to happen.
CREATE OR REPLACE FUNCTION gppart._gp6_check_exact(p_paroid oid, p_keytype text, p_child oid,
  p_schema text, p_table text, p_partition_schema text, p_partition text, p_start text, p_end text, p_action text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  b record;
BEGIN
  SELECT * INTO b FROM gppart._gp6_bounds(p_paroid, p_child, p_keytype);
  IF b.is_default THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('%I.%I is the DEFAULT partition; gppart does not %s it', p_partition_schema, p_partition, p_action));
  END IF;
  IF gppart._gp6_cmp(p_keytype, b.r_from, p_start) <> 0 OR gppart._gp6_cmp(p_keytype, b.r_to, p_end) <> 0 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('partition %I.%I covers [%s, %s), not [%s, %s) as the plan expects',
      p_partition_schema, p_partition, b.r_from, b.r_to, p_start, p_end));
  END IF;
END $$;
