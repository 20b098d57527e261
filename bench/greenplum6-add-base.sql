-- `npm run bench` (Greenplum 6): public.{{table}} as public.<split fixture> is while gppart adds its
-- new ranges (one old partition, no DEFAULT), for timing bare ADD PARTITIONs.
DROP TABLE IF EXISTS public.{{table}};
CREATE TABLE public.{{table}} (id bigint NOT NULL, day date NOT NULL, v bigint NOT NULL, payload text NOT NULL)
  WITH (appendonly=true, orientation=column, compresstype=zstd, compresslevel=1)
  DISTRIBUTED BY (id)
  PARTITION BY RANGE (day) (PARTITION old START ('2000-01-01') END ('2020-01-01'));
