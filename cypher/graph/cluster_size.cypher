// How much a replace would delete: the cluster's nodes and every relationship (from the count
// store, so it is immediate on any size of graph).
RETURN COUNT { (:Party) } + COUNT { (:Skill) } + COUNT { (:Project) } + COUNT { (:Event) }
       + COUNT { (:Introduction) } AS nodes,
       COUNT { ()-[]->() } AS relationships
