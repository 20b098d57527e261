-- The demo tables of examples/demo.sql in Greenplum 6's own partitioning syntax, for
-- docker-compose.yaml (see README, "Against a real Greenplum cluster"). Years of rows sit in the
-- DEFAULT partition; the two seed partitions exist because Greenplum 6 needs at least one
-- non-default partition in the definition. Not run on the machine this was written on.

CREATE SCHEMA sales;

CREATE TABLE sales.orders (
  id          bigserial,
  order_date  date          NOT NULL,
  customer_id integer       NOT NULL,
  amount      numeric(12,2) NOT NULL
)
WITH (appendonly = true, orientation = column, compresstype = zlib)
DISTRIBUTED BY (id)
PARTITION BY RANGE (order_date)
( START (date '2015-01-01') INCLUSIVE END (date '2016-01-01') EXCLUSIVE EVERY (interval '1 year'),
  DEFAULT PARTITION other );

INSERT INTO sales.orders (order_date, customer_id, amount)
SELECT d::date, (n * 7919) % 5000, round((((n * 104729) % 100000) / 100.0)::numeric, 2)
FROM generate_series(date_trunc('year', current_date) - interval '6 years', current_date + interval '1 month', interval '1 day') AS d,
     generate_series(1, 40) AS n;

CREATE TABLE public.events (
  event_time timestamptz NOT NULL,
  kind       text        NOT NULL,
  payload    text
)
DISTRIBUTED RANDOMLY
PARTITION BY RANGE (event_time)
( START (timestamptz '2015-01-01 00:00:00+00') END (timestamptz '2015-02-01 00:00:00+00') EVERY (interval '1 month'),
  DEFAULT PARTITION other );

INSERT INTO public.events (event_time, kind, payload)
SELECT t, CASE WHEN extract(minute FROM t) = 0 THEN 'click' ELSE 'view' END, (extract(epoch FROM t)::bigint % 97)::text
FROM generate_series(date_trunc('day', now()) - interval '13 months', now() + interval '2 days', interval '20 minutes') AS t;

ANALYZE sales.orders;
ANALYZE public.events;
