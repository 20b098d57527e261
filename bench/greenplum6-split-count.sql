-- `npm run bench` (Greenplum 6): rows in the DEFAULT of public.{{table}}.
SELECT count(*) AS n FROM public.{{table}}_1_prt_other;
