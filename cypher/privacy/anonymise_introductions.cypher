// Anonymise the introductions a member is a party of: drop its INTRODUCES link, the outcome notes and
// its answer; keep status and dates, and its primary subsector as <side>_erased_subsector for the KPIs.
MATCH (m:Member {id: $id})<-[r:INTRODUCES]-(x:Introduction)
WITH r, x, r.side AS side,
     COLLECT { MATCH (m)-[p:IN_SUBSECTOR]->(s:Subsector) RETURN s.id ORDER BY p.rank LIMIT 1 }[0] AS primary,
     COUNT { (x)-[:INTRODUCES]->() } AS sides
DELETE r
SET x.outcome = null,
    x.a_response = CASE side WHEN 'a' THEN null ELSE x.a_response END,
    x.b_response = CASE side WHEN 'b' THEN null ELSE x.b_response END,
    x.a_erased_subsector = CASE side WHEN 'a' THEN primary ELSE x.a_erased_subsector END,
    x.b_erased_subsector = CASE side WHEN 'b' THEN primary ELSE x.b_erased_subsector END
RETURN count(x) AS introductions, count(CASE WHEN sides = 1 THEN x END) AS introductions_fully_anonymised
