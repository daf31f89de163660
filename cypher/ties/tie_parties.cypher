// Whether $member is a member, and whether $other is a member or an organisation.
OPTIONAL MATCH (m:Member {id: $member})
OPTIONAL MATCH (o:Party {id: $other})
RETURN m IS NOT NULL AS member, o IS NOT NULL AS other
