-- `npm run bench`: the time of the last step gppart apply ran, as its journal row records it
-- (from the row written before the step's transaction to the one written inside it).
SELECT kind, status, rows, extract(epoch FROM finished_at - started_at) * 1000 AS ms
FROM gppart.journal ORDER BY id DESC LIMIT 1;
