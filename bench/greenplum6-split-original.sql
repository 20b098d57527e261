-- `npm run bench` (Greenplum 6): what the original Partition tools ran for each new period, one
-- statement (and transaction) per month; each SPLIT rewrites what is left in the DEFAULT.
ALTER TABLE public.{{table}} SPLIT DEFAULT PARTITION START ('{{start}}'::date) INCLUSIVE END ('{{end}}'::date) EXCLUSIVE
  INTO (PARTITION {{name}}, DEFAULT PARTITION);
