// Delete API keys: those of one member ($member), or every key when $member is null.
MATCH (k:ApiKey)
WHERE $member IS NULL OR k.member = $member
DELETE k
RETURN count(*) AS deleted
