-- `npm run bench`, rows written per row reorganised: public.reshape with 36 monthly partitions
-- (2022-01 .. 2024-12) and a DEFAULT holding 24 more months (2025-01 .. 2026-12),
-- {{per_day}} rows a day. The first 23 are calendar months (the policy merges them into
-- quarters); the next 13 straddle month ends (2023-12-01 .. 2024-01-15, then the 15th to the 15th,
-- then 2024-12-15 .. 2025-01-01: the policy realigns them to calendar months); the DEFAULT's 24
-- months are split into monthly partitions.
CREATE TABLE public.reshape (id bigserial, day date NOT NULL, v bigint NOT NULL, payload text NOT NULL)
  PARTITION BY RANGE (day);
CREATE INDEX ON public.reshape (day);
DO $$
DECLARE d date := date '2022-01-01';
BEGIN
  FOR i IN 1..23 LOOP
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.reshape FOR VALUES FROM (%L) TO (%L)',
                   'reshape_m' || to_char(d, 'YYYY_MM'), d, (d + interval '1 month')::date);
    d := (d + interval '1 month')::date;
  END LOOP;
  CREATE TABLE public.reshape_s2023_12_01 PARTITION OF public.reshape FOR VALUES FROM ('2023-12-01') TO ('2024-01-15');
  d := date '2024-01-15';
  FOR i IN 1..11 LOOP
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.reshape FOR VALUES FROM (%L) TO (%L)',
                   'reshape_s' || to_char(d, 'YYYY_MM_DD'), d, (d + interval '1 month')::date);
    d := (d + interval '1 month')::date;
  END LOOP;
  CREATE TABLE public.reshape_tail PARTITION OF public.reshape FOR VALUES FROM ('2024-12-15') TO ('2025-01-01');
END $$;
CREATE TABLE public.reshape_default PARTITION OF public.reshape DEFAULT;
INSERT INTO public.reshape (day, v, payload)
SELECT d::date, n, repeat('x', 40)
FROM generate_series(date '2022-01-01', date '2026-12-31', interval '1 day') d, generate_series(1, {{per_day}}) n;
ANALYZE public.reshape;
