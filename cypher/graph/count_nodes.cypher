// Node and relationship counts by kind, for status and tests.
RETURN COUNT { (:Member) } AS members, COUNT { (:Organisation) } AS organisations,
       COUNT { (:Skill) } AS skills, COUNT { (:Subsector) } AS subsectors,
       COUNT { (:Project) } AS projects, COUNT { (:Event) } AS events,
       COUNT { (:Introduction) } AS introductions,
       COUNT { ()-[:KNOWS]->() } AS knows, COUNT { ()-[:COLLABORATED]->() } AS collaborated
