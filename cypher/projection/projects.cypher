// Every project (what projects/get_projects gives a row each) as one row of columns (one list per
// field, in id order), for the projection's full read: one row of lists crosses the wire far faster
// than a row per project. Nullable values are taken from the collected nodes (collect() of a null
// value would drop it, and the columns would no longer line up); dates are sent as ISO strings,
// which the driver does not have to turn into its own date objects one by one.
// Paged: the first $page whose id comes after $after, in id order (the caller reads page after page in
// one transaction, so that no result holds a whole section in the server's transaction memory:
// at 1,000,000 members one row of every tie took about 700 MB, beyond db.memory.transaction.max).
MATCH (p:Project) WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $page
WITH p, COLLECT { MATCH (p)-[r:REQUIRES]->(k:Skill) RETURN k.id ORDER BY r.rank } AS requires,
     COLLECT { MATCH (m:Party)-[r:WORKED_ON]->(p) RETURN m.id ORDER BY r.rank } AS team
WITH collect(p) AS found, collect(requires) AS requires, collect(team) AS team
RETURN [p IN found | p.id] AS id,
       [p IN found | p.title] AS title,
       [p IN found | p.kind] AS kind,
       requires,
       team,
       [p IN found | p.client] AS client,
       [p IN found | p.status] AS status,
       [p IN found | toString(p.start)] AS start,
       [p IN found | toString(p.end)] AS end
