// Every member as one row of columns (one list per field, in no order: the caller sorts), for the
// projection's full read: one row of lists crosses the wire far faster than a row per member.
// Nullable values are taken from the collected nodes (collect() of a null value would drop it, and
// the columns would no longer line up); dates are sent as ISO strings, which the driver does not
// have to turn into its own date objects one by one.
MATCH (m:Member)
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
