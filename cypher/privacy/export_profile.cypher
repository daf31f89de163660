// The member's subsectors and skills with their names, in the member's order; no row for an unknown member.
MATCH (m:Member {id: $id})
RETURN COLLECT { MATCH (m)-[r:IN_SUBSECTOR]->(s:Subsector)
                 RETURN {id: s.id, name: s.name, primary: coalesce(r.primary, r.rank = 0)} ORDER BY r.rank } AS subsectors,
       COLLECT { MATCH (m)-[r:HAS_SKILL]->(k:Skill) RETURN {id: k.id, name: k.name} ORDER BY r.rank } AS skills
