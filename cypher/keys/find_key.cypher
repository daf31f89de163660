// The key whose secret hashes to $hash, if it exists and is not revoked.
MATCH (k:ApiKey {hash: $hash})
WHERE k.revoked IS NULL
RETURN k.id AS id, k.role AS role, k.member AS member, k.name AS name
