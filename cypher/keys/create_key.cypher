// Store a new API key: only the SHA-256 of the secret is kept, never the secret itself.
CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, member: $member, name: $label, created: $created})
RETURN k.id AS id, k.role AS role, k.member AS member, k.name AS name, k.created AS created,
       k.revoked AS revoked
