// Which of the introduction ids $ids the graph already holds.
UNWIND $ids AS id
MATCH (x:Introduction {id: id})
RETURN collect(x.id) AS ids
