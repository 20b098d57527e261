-- `npm run bench`, split: public.{{table}} with an index on the parent, no partition but a DEFAULT
-- holding the rows of public.{{table}}_rows (split-rows.sql).
DROP TABLE IF EXISTS public.{{table}}_copy;  -- the floor's copy shares the parent's id sequence
DROP TABLE IF EXISTS public.{{table}};
CREATE TABLE public.{{table}} (id bigserial, day date NOT NULL, v bigint NOT NULL, payload text NOT NULL)
  PARTITION BY RANGE (day);
CREATE INDEX ON public.{{table}} (day);
CREATE TABLE public.{{table}}_default PARTITION OF public.{{table}} DEFAULT {{default_options}};
INSERT INTO public.{{table}} (day, v, payload) SELECT day, v, payload FROM public.{{table}}_rows;
ANALYZE public.{{table}};
