// Events (all when $ids is null), optionally from a date on, with attendees in recorded order.
MATCH (e:Event)
WHERE ($ids IS NULL OR e.id IN $ids)
  AND ($from IS NULL OR e.date >= $from)
RETURN e.id AS id, e.title AS title, e.date AS date, e.format AS format, e.theme AS theme,
       COLLECT { MATCH (m:Party)-[r:ATTENDED]->(e) RETURN m.id ORDER BY r.rank } AS attendees
ORDER BY id
