// Every introduction (what introductions/get_introductions gives a row each) as one row of columns
// (one list per field, in id order), for the projection's full read: one row of lists crosses the
// wire far faster than a row per introduction. Nullable values are taken from the collected nodes
// (collect() of a null value would drop it, and the columns would no longer line up); dates are
// sent as ISO strings, which the driver does not have to turn into its own date objects one by one.
// Paged: the first $page whose id comes after $after, in id order, with how many that was and the
// last id (an introduction without both sides is left out); the caller reads page after page in
// one transaction, so that no result holds a whole section in the server's transaction memory:
// at 1,000,000 members one row of every tie took about 700 MB, beyond db.memory.transaction.max).
MATCH (x:Introduction) WHERE x.id > $after
WITH x ORDER BY x.id LIMIT $page
WITH collect(x) AS anchors
UNWIND anchors AS x
MATCH (x)-[:INTRODUCES {side: 'a'}]->(a:Party)
MATCH (x)-[:INTRODUCES {side: 'b'}]->(b:Party)
WITH anchors, x, a.id AS a, b.id AS b ORDER BY x.id
WITH anchors, collect(x) AS found, collect(a) AS a, collect(b) AS b
RETURN [x IN found | x.id] AS id,
       a,
       b,
       [x IN found | x.facilitator] AS facilitator,
       [x IN found | toString(x.date)] AS date,
       [x IN found | x.status] AS status,
       [x IN found | x.outcome] AS outcome,
       [x IN found | x.a_response] AS a_response,
       [x IN found | x.b_response] AS b_response,
       [x IN found | toString(x.accepted_on)] AS accepted_on,
       [x IN found | toString(x.met_on)] AS met_on,
       [x IN found | toString(x.closed_on)] AS closed_on,
       size(anchors) AS anchors,
       anchors[-1].id AS last
