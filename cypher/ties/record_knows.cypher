// $member records a knows tie with $other (stored from $member to $other); an existing one is left as it is.
MATCH (a:Member {id: $member})
MATCH (b:Party {id: $other})
MERGE (a)-[r:KNOWS]-(b)
ON CREATE SET r.strength = $weight, r.since = $since, r.confirmed = $confirmed
