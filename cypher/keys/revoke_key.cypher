// Revoke a key: it stops working at once; the record stays for the audit trail.
MATCH (k:ApiKey {id: $id})
SET k.revoked = coalesce(k.revoked, $now)
RETURN k.id AS id, k.role AS role, k.member AS member, k.name AS name, k.created AS created,
       k.revoked AS revoked
