// Every tie once, in the direction it was recorded, as one row of columns (one list per field, in
// no order: the caller sorts), for the projection's full read: one row of lists crosses the wire
// far faster than a row per tie. Nullable values are taken from the collected relationships
// (collect() of a null value would drop it, and the columns would no longer line up); dates are
// sent as ISO strings, which the driver does not have to turn into its own date objects one by one.
// Paged by the ties' start: the ties of the $page parties after the id $after, in id order, and the
// last of those parties' ids (the caller reads page after page in one transaction, so that no
// result holds every tie in the server's transaction memory: at 1,000,000 members one row of every
// tie took about 700 MB, beyond db.memory.transaction.max). No row: no party after $after.
MATCH (a:Party) WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $page
WITH collect(a) AS anchors
UNWIND anchors AS a
OPTIONAL MATCH (a)-[r:KNOWS|COLLABORATED]->(b:Party)
WITH anchors, r, CASE WHEN r IS NULL THEN null ELSE a.id END AS source, b.id AS target
WITH anchors, collect(r) AS found, collect(source) AS source, collect(target) AS target
RETURN source,
       target,
       [r IN found | type(r) = 'KNOWS'] AS knows,
       [r IN found | coalesce(r.strength, r.weight)] AS weight,
       [r IN found | toString(r.since)] AS since,
       [r IN found | r.confirmed] AS confirmed,
       size(anchors) AS anchors,
       anchors[-1].id AS last
