-- `npm run bench` (Greenplum 6): how many partitions public.{{table}} has (0 when it does not exist).
SELECT count(*) AS n
FROM pg_catalog.pg_partition p JOIN pg_catalog.pg_partition_rule r ON r.paroid = p.oid
WHERE p.parrelid = (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
                    WHERE s.nspname = 'public' AND c.relname = '{{table}}');
