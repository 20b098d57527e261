-- `npm run bench`: the on-disk size of public.{{relation}} next to that of a freshly written copy of
-- its rows (INSERT .. SELECT: a bulk load may leave empty pages at a table's end).
DROP TABLE IF EXISTS pg_temp.gppart_fresh_copy;
CREATE TEMP TABLE gppart_fresh_copy (LIKE public.{{relation}});
INSERT INTO gppart_fresh_copy SELECT * FROM public.{{relation}};
SELECT pg_relation_size('public.{{relation}}') AS size, pg_relation_size('pg_temp.gppart_fresh_copy') AS fresh,
       (SELECT count(*) FROM public.{{relation}}) AS rows;
