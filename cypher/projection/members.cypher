// Every member as one row of columns (one list per field, in id order), for the
// projection's full read: one row of lists crosses the wire far faster than a row per member.
// Nullable values are taken from the collected nodes (collect() of a null value would drop it, and
// the columns would no longer line up); dates are sent as ISO strings, which the driver does not
// have to turn into its own date objects one by one.
// Paged: the first $page whose id comes after $after, in id order (the caller reads page after page in
// one transaction, so that no result holds a whole section in the server's transaction memory:
// at 1,000,000 members one row of every tie took about 700 MB, beyond db.memory.transaction.max).
MATCH (m:Member) WHERE m.id > $after
WITH m ORDER BY m.id LIMIT $page
WITH m, COLLECT { MATCH (m)-[r:IN_SUBSECTOR]->(s:Subsector) RETURN s.id ORDER BY r.rank } AS subsectors,
     COLLECT { MATCH (m)-[r:HAS_SKILL]->(k:Skill) RETURN k.id ORDER BY r.rank } AS skills
WITH collect(m) AS found, collect(subsectors) AS subsectors, collect(skills) AS skills
RETURN [m IN found | m.id] AS id,
       [m IN found | m.name] AS name,
       [m IN found | m.kind] AS kind,
       subsectors,
       skills,
       [m IN found | m.visibility] AS visibility,
       [m IN found | m.city] AS city,
       [m IN found | m.website] AS website,
       [m IN found | m.email] AS email,
       [m IN found | m.languages] AS languages,
       [m IN found | m.description] AS description,
       [m IN found | toString(m.joined)] AS joined
