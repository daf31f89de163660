// The 12 built-in subsectors (from graph_service.domain.SUBSECTORS).
UNWIND $rows AS row
MERGE (s:Subsector {id: row.id})
SET s.name = row.name, s.nace = row.nace, s.description = row.description
