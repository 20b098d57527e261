-- `npm run bench`, the yardstick of a split: one plain INSERT .. SELECT of the DEFAULT's rows
-- into a table with the same columns and index. Repeatable: the bench times it several times.
DROP TABLE IF EXISTS public.{{table}}_copy;
CREATE TABLE public.{{table}}_copy (LIKE public.{{table}} INCLUDING ALL);
INSERT INTO public.{{table}}_copy SELECT * FROM public.{{table}}_default;
