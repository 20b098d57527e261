-- `npm run bench`: the partitions of public.{{table}}, by name.
SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'public.{{table}}'::regclass ORDER BY 1;
