-- Work tables carry the parent's indexes. Greenplum 6's EXCHANGE PARTITION refuses a table that
-- lacks an index "like" each of the partitioned table's own (`index like "t_id_idx" does not exist
-- on "gppart_760_1"`), so every split, merge and large move of a table with an index failed.
-- LIKE … INCLUDING INDEXES copies the parent's index definitions (unique, expressions, predicates,
-- operator classes) exactly; a partition's own extra indexes are not needed for EXCHANGE.
-- p_indexes false leaves them out, for a table that is loaded first and indexed after (042).
CREATE OR REPLACE FUNCTION gppart._gp6_new_table(p_relid oid, p_schema text, p_name text, p_with text,
  p_tablespace text, p_access_from oid, p_indexes boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS%s) %s %s %s',
    p_schema, p_name, p_relid::regclass, CASE WHEN p_indexes THEN ' INCLUDING INDEXES' ELSE '' END, coalesce(p_with, ''),
    CASE WHEN p_tablespace IS NULL THEN '' ELSE format('TABLESPACE %I', p_tablespace) END,
    pg_catalog.pg_get_table_distributedby(p_relid));
  PERFORM gppart._gp6_copy_access(p_access_from, p_schema, p_name);
END $$;

CREATE OR REPLACE FUNCTION gppart._gp6_new_table(p_relid oid, p_schema text, p_name text, p_with text,
  p_tablespace text, p_access_from oid) RETURNS void
LANGUAGE sql AS $$
  SELECT gppart._gp6_new_table($1, $2, $3, $4, $5, $6, true)
$$;
