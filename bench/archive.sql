-- A partition of {{rows}} rows, ~120 bytes of COPY text each (ids, a date key, a numeric amount,
-- a nullable note), for the archive bench.
CREATE TABLE public.archived (id bigint, day date NOT NULL, amount numeric(12,2), note text) PARTITION BY RANGE (day);
CREATE TABLE public.archived_2024_03 PARTITION OF public.archived FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
INSERT INTO public.archived
SELECT g, DATE '2024-03-01' + (g % 31), (g % 1000000) / 100.0,
       CASE WHEN g % 10 = 0 THEN NULL ELSE 'order note ' || g || ' ' || md5(g::text) || md5((g + 1)::text) END
  FROM generate_series(1, {{rows}}) g;
ANALYZE public.archived;
