-- `npm run bench`, split: the rows of a DEFAULT holding {{months}} months from 2030-01-01,
-- {{per_day}} rows a day, made once and copied into each fresh fixture (public.{{table}}).
DROP TABLE IF EXISTS public.{{table}}_rows;
CREATE TABLE public.{{table}}_rows AS
SELECT d::date AS day, n::bigint AS v, repeat('x', 40) AS payload
FROM generate_series(date '2030-01-01', (date '2030-01-01' + interval '{{months}} months')::date - 1, interval '1 day') d,
     generate_series(1, {{per_day}}) n;
