// The import marked by imports/begin is complete.
MATCH (m:Meta {id: 'import'})
DELETE m
