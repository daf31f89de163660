// Every tie once, in the direction it was recorded, as one row of columns (one list per field, in
// no order: the caller sorts), for the projection's full read: one row of lists crosses the wire
// far faster than a row per tie. Nullable values are taken from the collected relationships
// (collect() of a null value would drop it, and the columns would no longer line up); dates are
// sent as ISO strings, which the driver does not have to turn into its own date objects one by one.
MATCH (a:Party)-[r:KNOWS|COLLABORATED]->(b:Party)
WITH r, a.id AS source, b.id AS target
WITH collect(r) AS found, collect(source) AS source, collect(target) AS target
RETURN source,
       target,
       [r IN found | type(r) = 'KNOWS'] AS knows,
       [r IN found | coalesce(r.strength, r.weight)] AS weight,
       [r IN found | toString(r.since)] AS since,
       [r IN found | r.confirmed] AS confirmed
