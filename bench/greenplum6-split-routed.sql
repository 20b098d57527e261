-- `npm run bench` (Greenplum 6): the DEFAULT's rows routed by Greenplum into their partitions, one
-- INSERT .. SELECT through the partitioned copy (the INSERT of a split, without gppart around it).
INSERT INTO public.{{table}}_routed SELECT * FROM public.{{table}}_1_prt_other;
