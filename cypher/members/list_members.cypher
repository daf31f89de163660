// One page of members, filtered by subsector, skill and a text fragment of the name, city or description.
MATCH (m:Member)
WHERE ($subsector IS NULL OR EXISTS { (m)-[:IN_SUBSECTOR]->(:Subsector {id: $subsector}) })
  AND ($skill IS NULL OR EXISTS { (m)-[:HAS_SKILL]->(:Skill {id: $skill}) })
  AND ($text IS NULL OR m.name_lower CONTAINS $text OR toLower(coalesce(m.description, '')) CONTAINS $text
       OR toLower(coalesce(m.city, '')) CONTAINS $text)
  AND m.visibility IN $visibilities
WITH m ORDER BY m.id
WITH collect(m) AS matched
RETURN size(matched) AS total,
       [m IN matched[$offset .. $offset + $limit] | m.id] AS ids
