-- `npm run bench`, the floor of a split: one plain INSERT .. SELECT of the DEFAULT's rows into a
-- table with the same columns and index (made by split-default-baseline-table.sql, not timed).
INSERT INTO public.{{table}}_copy SELECT * FROM public.{{table}}_default;
