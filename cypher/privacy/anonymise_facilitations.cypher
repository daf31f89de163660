// Introductions a member facilitated keep their two parties; the facilitator becomes $erased (no id).
MATCH (x:Introduction)-[f:FACILITATED_BY]->(:Member {id: $id})
DELETE f
SET x.facilitator = $erased
RETURN count(x) AS facilitations
