-- `npm run bench` (Greenplum 6): the routed copy of public.{{table}} is not kept.
DROP TABLE IF EXISTS public.{{table}}_routed;
