// Introductions the member is a party of: its side, the other party (null once erased), the facilitating member.
MATCH (m:Member {id: $id})<-[r:INTRODUCES]-(x:Introduction)
OPTIONAL MATCH (x)-[o:INTRODUCES]->(other:Party)
  WHERE o.side <> r.side
OPTIONAL MATCH (x)-[:FACILITATED_BY]->(f:Member)
RETURN x.id AS id, r.side AS side, x.date AS date, x.status AS status, x.outcome AS outcome,
       x.a_response AS a_response, x.b_response AS b_response, x.accepted_on AS accepted_on,
       x.met_on AS met_on, x.closed_on AS closed_on, x.updated AS updated, x.facilitator AS facilitator,
       CASE WHEN other IS NULL THEN null
            ELSE {id: other.id, name: other.name, organisation: other:Organisation, visibility: other.visibility}
       END AS other,
       CASE WHEN f IS NULL THEN null
            ELSE {id: f.id, name: f.name, organisation: false, visibility: f.visibility}
       END AS facilitator_party
ORDER BY date, id
