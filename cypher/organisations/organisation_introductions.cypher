// The introductions an organisation is a side of, in id order.
MATCH (x:Introduction)-[:INTRODUCES]->(:Organisation {id: $id})
RETURN x.id AS id
ORDER BY id
