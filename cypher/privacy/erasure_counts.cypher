// What erasing a member removes: its name (to look for mentions afterwards) and counts; no row for an unknown member.
MATCH (m:Member {id: $id})
RETURN m.name AS name,
       COUNT { (m)-[:KNOWS]-() } AS knows,
       COUNT { (m)-[:COLLABORATED]-() } AS collaborated,
       COUNT { (m)-[:IN_SUBSECTOR]->() } AS subsectors,
       COUNT { (m)-[:HAS_SKILL]->() } AS skills,
       COUNT { (m)-[:WORKED_ON]->() } AS projects,
       COUNT { (m)-[:ATTENDED]->() } AS events,
       COUNT { (m)-[:SHOWN]->() } AS impressions_shown_to_member,
       COUNT { ()-[:SHOWN]->(m) } AS impressions_of_member
