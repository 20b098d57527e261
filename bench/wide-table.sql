-- One table with {{partitions}} daily partitions from 2000-01-01, for `npm run bench`.
-- Sent as its own statement: the DO block commits every 500 partitions, so it never needs
-- thousands of locks in one transaction, and it makes them without thousands of round trips.
DO $$
DECLARE d date := date '2000-01-01';
BEGIN
  CREATE TABLE public.wide (ts date NOT NULL, v int) PARTITION BY RANGE (ts);
  COMMIT;
  FOR i IN 1..{{partitions}} LOOP
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.wide FOR VALUES FROM (%L) TO (%L)',
                   'wide_p' || to_char(d, 'YYYY_MM_DD'), d, d + 1);
    d := d + 1;
    IF i % 500 = 0 THEN
      COMMIT;
    END IF;
  END LOOP;
END $$
