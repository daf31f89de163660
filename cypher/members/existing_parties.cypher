// Which of the given ids already exist, as members, organisations or skills.
RETURN
  COLLECT { MATCH (m:Member) WHERE m.id IN $ids RETURN m.id } AS members,
  COLLECT { MATCH (o:Organisation) WHERE o.id IN $ids RETURN o.id } AS organisations,
  COLLECT { MATCH (k:Skill) WHERE k.id IN $skills RETURN k.id } AS skills
