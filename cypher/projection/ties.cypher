// Every tie once, in the direction it was recorded, as a short row (in no order: the caller sorts):
// source, target, whether it is a knows tie, its strength, since, confirmed.
MATCH (a:Party)-[r:KNOWS|COLLABORATED]->(b:Party)
RETURN a.id, b.id, type(r) = 'KNOWS', coalesce(r.strength, r.weight), r.since, r.confirmed
