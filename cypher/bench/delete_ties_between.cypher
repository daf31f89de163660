// Deletes the knows and collaborated ties between the two members of each pair of $pairs
// ([[a, b], ...]): bench/side_by_side.py hides these ties before measuring how many come back.
UNWIND $pairs AS pair
MATCH (a:Party {id: pair[0]})-[r:KNOWS|COLLABORATED]-(b:Party {id: pair[1]})
DELETE r
RETURN count(*) AS deleted
