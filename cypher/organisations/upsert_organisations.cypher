// Write organisations of the other clusters (MERGE on the party id).
UNWIND $rows AS row
MERGE (o:Party {id: row.id})
SET o:Organisation
SET o += row.props
