-- `npm run bench` (Greenplum 6): public.{{table}}, append-optimized column (zstd) like a warehouse
-- fact table, with one old partition and a DEFAULT holding {{months}} months from 2020-01-01,
-- {{per_day}} rows a day.
DROP TABLE IF EXISTS public.{{table}};
CREATE TABLE public.{{table}} (id bigint NOT NULL, day date NOT NULL, v bigint NOT NULL, payload text NOT NULL)
  WITH (appendonly=true, orientation=column, compresstype=zstd, compresslevel=1)
  DISTRIBUTED BY (id)
  PARTITION BY RANGE (day) (PARTITION old START ('2000-01-01') END ('2020-01-01'), DEFAULT PARTITION other);
INSERT INTO public.{{table}} (id, day, v, payload)
SELECT row_number() OVER (), d::date, n, repeat('x', 40)
FROM generate_series(date '2020-01-01', (date '2020-01-01' + interval '{{months}} months')::date - 1, interval '1 day') d,
     generate_series(1, {{per_day}}) n;
ANALYZE public.{{table}};
