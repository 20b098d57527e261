-- `npm run bench`: the rows a split of public.{{table}}'s DEFAULT moves.
SELECT count(*) AS n FROM public.{{table}}_default;
