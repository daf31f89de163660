// The id of every skill, in id order (to check a record's skills and suggest the closest).
MATCH (k:Skill)
RETURN k.id AS id
ORDER BY id
