-- Demo tables for examples/gppart.yaml, in the shape of the original Partition tools' test
-- tables: range-partitioned on a date/timestamp column, with years of rows sitting in a DEFAULT
-- partition, waiting to be cut into the layout the policy asks for.
-- Rows are generated relative to today, so the demo works on any day.

CREATE SCHEMA IF NOT EXISTS sales;

CREATE TABLE sales.orders (
  id          bigserial,
  order_date  date          NOT NULL,
  customer_id integer       NOT NULL,
  amount      numeric(12,2) NOT NULL,
  PRIMARY KEY (id, order_date)
) PARTITION BY RANGE (order_date);
CREATE INDEX orders_customer_idx ON sales.orders (customer_id);
CREATE TABLE sales.orders_default PARTITION OF sales.orders DEFAULT;

-- Six years of orders, 40 a day, plus a few already booked for next month.
INSERT INTO sales.orders (order_date, customer_id, amount)
SELECT d::date, (n * 7919) % 5000, round((((n * 104729) % 100000) / 100.0)::numeric, 2)
FROM generate_series(date_trunc('year', current_date) - interval '6 years', current_date + interval '1 month', interval '1 day') AS d,
     generate_series(1, 40) AS n;

CREATE TABLE public.events (
  event_time timestamptz NOT NULL,
  kind       text        NOT NULL,
  payload    jsonb
) PARTITION BY RANGE (event_time);
CREATE TABLE public.events_default PARTITION OF public.events DEFAULT;

-- Thirteen months of events, one every 20 minutes.
INSERT INTO public.events (event_time, kind, payload)
SELECT t, CASE WHEN extract(minute FROM t) = 0 THEN 'click' ELSE 'view' END, jsonb_build_object('n', extract(epoch FROM t)::bigint % 97)
FROM generate_series(date_trunc('day', now()) - interval '13 months', now() + interval '2 days', interval '20 minutes') AS t;

ANALYZE sales.orders;
ANALYZE public.events;
