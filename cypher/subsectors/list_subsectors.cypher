// Every subsector with its member counts (primary and any).
MATCH (s:Subsector)
RETURN s.id AS id, s.name AS name, s.nace AS nace, s.description AS description,
       COUNT { (m:Member)-[:IN_SUBSECTOR {primary: true}]->(s) } AS primary_members,
       COUNT { (m:Member)-[:IN_SUBSECTOR]->(s) } AS members,
       COUNT { (k:Skill)-[:OF_SUBSECTOR]->(s) } AS skills
ORDER BY id
