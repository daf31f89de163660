// Suggestions shown to the member, and how often the member was suggested to others (counts only).
MATCH (m:Member {id: $id})
RETURN COLLECT { MATCH (m)-[s:SHOWN]->(c:Party)
                 RETURN {other: {id: c.id, name: c.name, organisation: c:Organisation, visibility: c.visibility},
                         count: s.count, first: s.first, last: s.last} } AS shown,
       COLLECT { MATCH (:Member)-[s:SHOWN]->(m) RETURN s.count } AS suggested
