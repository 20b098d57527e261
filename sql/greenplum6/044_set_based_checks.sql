-- Numbered after 032, whose _gp6_check_new (a child-table-name check) this one replaces: Greenplum
-- picks a free child table name itself, so only the partition name must be free.
-- The checks of new ranges in set-based statements (with 043's partition-name rule: only the
-- partition name must be free and at most 56 bytes). The previous _gp6_check_new compared each new
-- range with each other one and with every existing partition through _gp6_cmp/_gp6_bounds, each an
-- EXECUTE: N new ranges × P partitions × 2 dynamic statements (0.35 s for 58 ranges on a 2-partition
-- table here; minutes for a split on a table of thousands of partitions). Now the new ranges and the
-- table's partitions are cast to the key type once, in two statements.

-- The literal of a bound as pg_get_expr prints it: '2024-01-01'::date → 2024-01-01 (also in
-- parentheses, and with doubled quotes undone); NULL for anything else.
CREATE OR REPLACE FUNCTION gppart._gp6_literal(p_expr text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT replace(substring($1 from E'^\\(?''((?:[^'']|'''')*)''::'), '''''', '''')
$$;

-- The table's partitions other than the DEFAULT and p_sources, with half-open bounds of the key
-- type (NULL = open), as the SQL of a subquery: on a date key an EXCLUSIVE START or an INCLUSIVE
-- END is moved by one day (as _gp6_bounds does); on timestamps such bounds are refused first.
CREATE OR REPLACE FUNCTION gppart._gp6_others_sql(p_keytype text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    SELECT pr.parchildrelid AS child,
           gppart._gp6_literal(pg_catalog.pg_get_expr(pr.parrangestart, pr.parchildrelid))::%1$s%2$s AS s,
           gppart._gp6_literal(pg_catalog.pg_get_expr(pr.parrangeend, pr.parchildrelid))::%1$s%3$s AS e
      FROM pg_catalog.pg_partition_rule pr
     WHERE pr.paroid = $3 AND pr.parparentrule = 0 AND NOT pr.parisdefault AND NOT (pr.parchildrelid = ANY ($4))$q$,
    $1,
    CASE WHEN $1 = 'date' THEN ' + CASE WHEN pr.parrangestartincl THEN 0 ELSE 1 END' ELSE '' END,
    CASE WHEN $1 = 'date' THEN ' + CASE WHEN pr.parrangeendincl THEN 1 ELSE 0 END' ELSE '' END)
$$;

CREATE OR REPLACE FUNCTION gppart._gp6_check_new(p_schema text, p_table text, p_paroid oid, p_keytype text,
  p_sources oid[], p_starts text[], p_ends text[], p_names text[], p_tablespaces text[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  v_n int := coalesce(array_length(p_starts, 1), 0);
  v_names text[] := '{}';
  v_name text;
  v_bad oid;
  r record;
  i int;
BEGIN
  IF v_n = 0 OR v_n <> coalesce(array_length(p_ends, 1), 0) OR v_n <> coalesce(array_length(p_names, 1), 0)
     OR v_n <> coalesce(array_length(p_tablespaces, 1), 0) THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, 'p_starts, p_ends, p_names and p_tablespaces must have the same length >= 1');
  END IF;
  FOR i IN 1 .. v_n LOOP
    IF upper(p_starts[i]) IN ('MINVALUE', 'MAXVALUE') OR upper(p_ends[i]) IN ('MINVALUE', 'MAXVALUE') THEN
      PERFORM gppart._gp6_fail(p_schema, p_table, 'Greenplum 6 partitions made by gppart need finite bounds');
    END IF;
  END LOOP;

  -- Each bound is cast once; a bad one fails here with the cast's own message, as before.
  EXECUTE format($q$
    WITH n AS (SELECT k AS i, ($1)[k]::%1$s AS s, ($2)[k]::%1$s AS e FROM generate_subscripts($1, 1) AS k)
    SELECT * FROM (
      SELECT 1 AS kind, a.i, a.i AS j FROM n a WHERE a.s >= a.e
      UNION ALL
      SELECT 2, a.i, b.i FROM n a JOIN n b ON a.i < b.i AND a.s < b.e AND b.s < a.e
    ) x ORDER BY kind, i, j LIMIT 1$q$, p_keytype) INTO r USING p_starts, p_ends;
  IF r.kind = 1 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('empty range [%s, %s)', p_starts[r.i], p_ends[r.i]));
  ELSIF r.kind = 2 THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('new ranges [%s, %s) and [%s, %s) overlap',
      p_starts[r.i], p_ends[r.i], p_starts[r.j], p_ends[r.j]));
  END IF;

  IF p_keytype <> 'date' THEN
    SELECT parchildrelid INTO v_bad FROM pg_catalog.pg_partition_rule
     WHERE paroid = p_paroid AND parparentrule = 0 AND NOT parisdefault AND NOT (parchildrelid = ANY (p_sources))
       AND ((parrangestart IS NOT NULL AND NOT parrangestartincl) OR (parrangeend IS NOT NULL AND parrangeendincl))
     LIMIT 1;
    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION 'gppart: partition % has an EXCLUSIVE START or INCLUSIVE END on a % key', v_bad::regclass, p_keytype
        USING ERRCODE = 'P0001';
    END IF;
  END IF;
  EXECUTE format($q$
    WITH n AS (SELECT k AS i, ($1)[k]::%1$s AS s, ($2)[k]::%1$s AS e FROM generate_subscripts($1, 1) AS k),
         x AS (%2$s)
    SELECT n.i, x.child, x.s::text AS xs, x.e::text AS xe
      FROM n JOIN x ON (x.s IS NULL OR x.s < n.e) AND (x.e IS NULL OR n.s < x.e)
     ORDER BY n.i LIMIT 1$q$, p_keytype, gppart._gp6_others_sql(p_keytype)) INTO r USING p_starts, p_ends, p_paroid, p_sources;
  IF r.child IS NOT NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('new range [%s, %s) overlaps partition %s [%s, %s)',
      p_starts[r.i], p_ends[r.i], r.child::regclass, coalesce(r.xs, 'MINVALUE'), coalesce(r.xe, 'MAXVALUE')));
  END IF;

  FOR i IN 1 .. v_n LOOP
    -- A full child name <table>_1_prt_<name> is accepted and cut back to <name>.
    v_name := p_names[i];
    IF v_name IS NULL OR v_name = '' THEN PERFORM gppart._gp6_fail(p_schema, p_table, 'partition names must not be empty'); END IF;
    IF left(v_name, length(p_table || '_1_prt_')) = p_table || '_1_prt_' AND length(v_name) > length(p_table || '_1_prt_') THEN
      v_name := substr(v_name, length(p_table || '_1_prt_') + 1);
    END IF;
    PERFORM gppart._gp6_check_partition_name(p_schema, p_table, v_name);
    IF v_name = ANY (v_names) THEN PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s given twice', v_name)); END IF;
    v_names := v_names || v_name;
  END LOOP;
  -- Only the partition name must be free: Greenplum picks a child table name that is.
  SELECT parname INTO v_name FROM pg_catalog.pg_partition_rule
   WHERE paroid = p_paroid AND parname = ANY (v_names) AND NOT (parchildrelid = ANY (p_sources)) LIMIT 1;
  IF v_name IS NOT NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('partition name %s is already taken', v_name));
  END IF;
  SELECT t INTO v_name FROM unnest(p_tablespaces) AS t
   WHERE t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = t) LIMIT 1;
  IF v_name IS NOT NULL THEN
    PERFORM gppart._gp6_fail(p_schema, p_table, format('tablespace %s does not exist', v_name));
  END IF;
  RETURN v_names;
END $$;
