-- One table with {{partitions}} daily partitions from 2000-01-01, for `npm run bench`.
-- One DO block: thousands of CREATE TABLE statements without thousands of round trips.
CREATE TABLE public.wide (ts date NOT NULL, v int) PARTITION BY RANGE (ts);
DO $$
DECLARE d date := date '2000-01-01';
BEGIN
  FOR i IN 1..{{partitions}} LOOP
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.wide FOR VALUES FROM (%L) TO (%L)',
                   'wide_p' || to_char(d, 'YYYY_MM_DD'), d, d + 1);
    d := d + 1;
  END LOOP;
END $$;
ANALYZE public.wide;
