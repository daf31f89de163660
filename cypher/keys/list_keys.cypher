// Every API key (never the hash), optionally only those of one member.
MATCH (k:ApiKey)
WHERE $member IS NULL OR k.member = $member
RETURN k.id AS id, k.role AS role, k.member AS member, k.name AS name, k.created AS created,
       k.revoked AS revoked
ORDER BY k.created, k.id
