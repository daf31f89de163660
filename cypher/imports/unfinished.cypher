// The import that did not finish (marked by imports/begin and not ended), if any.
MATCH (m:Meta {id: 'import'})
RETURN m.started AS started, m.replace AS replace, m.rows AS rows
