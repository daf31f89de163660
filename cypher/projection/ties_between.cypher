// The ties between each of the $pairs of ids ([[a, b], ...]), either direction, as the short rows of
// projection/ties.
UNWIND $pairs AS pair
MATCH (a:Party {id: pair[0]})-[r:KNOWS|COLLABORATED]-(b:Party {id: pair[1]})
RETURN startNode(r).id, endNode(r).id, type(r) = 'KNOWS', coalesce(r.strength, r.weight), r.since, r.confirmed
