-- `npm run bench`: the empty table the floor of a split (split-default-baseline.sql) writes into.
DROP TABLE IF EXISTS public.{{table}}_copy;
CREATE TABLE public.{{table}}_copy (LIKE public.{{table}} INCLUDING ALL);
