-- `npm run bench` (Greenplum 6): public.{{table}} with {{partitions}} daily partitions from
-- 2000-01-01 (EVERY-made, as on long-lived clusters) and no DEFAULT. Slow to create (~30 s per
-- 5,000 partitions on one segment), so the bench keeps it between runs.
DROP TABLE IF EXISTS public.{{table}};
CREATE TABLE public.{{table}} (id bigint NOT NULL, day date NOT NULL, v bigint NOT NULL)
  DISTRIBUTED BY (id)
  PARTITION BY RANGE (day) (START ('2000-01-01') END ('{{end}}') EVERY (INTERVAL '1 day'));
