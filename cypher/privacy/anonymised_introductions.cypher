// Introductions with an erased side (fewer than two INTRODUCES): what the KPIs and a backup need, no personal data.
MATCH (x:Introduction)
WHERE COUNT { (x)-[:INTRODUCES]->() } < 2
OPTIONAL MATCH (x)-[:INTRODUCES {side: 'a'}]->(a:Party)
OPTIONAL MATCH (x)-[:INTRODUCES {side: 'b'}]->(b:Party)
RETURN x.id AS id, a.id AS a, b.id AS b, x.a_erased_subsector AS a_erased_subsector,
       x.b_erased_subsector AS b_erased_subsector, x.facilitator AS facilitator, x.date AS date,
       x.status AS status, x.a_response AS a_response, x.b_response AS b_response,
       x.accepted_on AS accepted_on, x.met_on AS met_on, x.closed_on AS closed_on
ORDER BY id
