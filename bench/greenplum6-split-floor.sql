-- `npm run bench` (Greenplum 6): the timed yardstick, one INSERT .. SELECT of the DEFAULT's rows.
INSERT INTO public.{{table}}_floor SELECT * FROM public.{{table}}_1_prt_other;
