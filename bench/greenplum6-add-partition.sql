-- `npm run bench` (Greenplum 6): a bare ADD PARTITION with the storage gppart gives new partitions,
-- the floor of gppart's per-range cost.
ALTER TABLE public.{{table}} ADD PARTITION {{name}} START ('{{start}}'::date) INCLUSIVE END ('{{end}}'::date) EXCLUSIVE
  WITH (appendonly=true, orientation=column, compresstype=zstd, compresslevel=1);
