// How often each suggestion was shown to the member.
MATCH (:Member {id: $member})-[s:SHOWN]->(c:Party)
RETURN c.id AS id, s.count AS count
