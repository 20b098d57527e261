-- `npm run bench`, split cost against N: public.{{table}} with no partition but a DEFAULT holding
-- {{months}} months from 2030-01-01, {{per_day}} rows a day.
CREATE TABLE public.{{table}} (id bigserial, day date NOT NULL, v bigint NOT NULL, payload text NOT NULL)
  PARTITION BY RANGE (day);
CREATE INDEX ON public.{{table}} (day);
CREATE TABLE public.{{table}}_default PARTITION OF public.{{table}} DEFAULT;
INSERT INTO public.{{table}} (day, v, payload)
SELECT d::date, n, repeat('x', 40)
FROM generate_series(date '2030-01-01', (date '2030-01-01' + interval '{{months}} months')::date - 1, interval '1 day') d,
     generate_series(1, {{per_day}}) n;
ANALYZE public.{{table}};
