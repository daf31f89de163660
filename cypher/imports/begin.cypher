// Mark an import that takes more than one transaction as under way (removed by imports/end when
// its last batch is written): a graph that still has the mark holds part of it.
MERGE (m:Meta {id: 'import'})
SET m.started = datetime(), m.replace = $replace, m.rows = $rows
