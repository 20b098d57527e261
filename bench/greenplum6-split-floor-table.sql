-- `npm run bench` (Greenplum 6), the yardstick of a split: an empty table with the same columns,
-- storage and distribution as public.{{table}}, for one plain INSERT .. SELECT of the DEFAULT's rows.
DROP TABLE IF EXISTS public.{{table}}_floor;
CREATE TABLE public.{{table}}_floor (LIKE public.{{table}})
  WITH (appendonly=true, orientation=column, compresstype=zstd, compresslevel=1) DISTRIBUTED BY (id);
