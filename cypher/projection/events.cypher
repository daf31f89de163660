// Every event (what events/get_events gives a row each) as one row of columns (one list per field,
// in id order), for the projection's full read: one row of lists crosses the wire far faster than a
// row per event. Nullable values are taken from the collected nodes (collect() of a null value
// would drop it, and the columns would no longer line up); dates are sent as ISO strings, which the
// driver does not have to turn into its own date objects one by one.
// Paged: the first $page whose id comes after $after, in id order (the caller reads page after page in
// one transaction, so that no result holds a whole section in the server's transaction memory:
// at 1,000,000 members one row of every tie took about 700 MB, beyond db.memory.transaction.max).
MATCH (e:Event) WHERE e.id > $after
WITH e ORDER BY e.id LIMIT $page
WITH e, COLLECT { MATCH (m:Party)-[r:ATTENDED]->(e) RETURN m.id ORDER BY r.rank } AS attendees
WITH collect(e) AS found, collect(attendees) AS attendees
RETURN [e IN found | e.id] AS id,
       [e IN found | e.title] AS title,
       [e IN found | toString(e.date)] AS date,
       [e IN found | e.format] AS format,
       [e IN found | e.theme] AS theme,
       attendees
