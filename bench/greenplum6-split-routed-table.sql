-- `npm run bench` (Greenplum 6), what Greenplum itself costs a split: an empty copy of
-- public.{{table}} (columns, storage, distribution) that already has the split's monthly partitions
-- [{{start}}, {{end}}) and a DEFAULT, for one INSERT .. SELECT of the DEFAULT's rows routed through it.
DROP TABLE IF EXISTS public.{{table}}_routed;
CREATE TABLE public.{{table}}_routed (LIKE public.{{table}})
  WITH (appendonly=true, orientation=column, compresstype=zstd, compresslevel=1) DISTRIBUTED BY (id)
  PARTITION BY RANGE (day) (START ('{{start}}'::date) END ('{{end}}'::date) EVERY (INTERVAL '1 month'), DEFAULT PARTITION other);
