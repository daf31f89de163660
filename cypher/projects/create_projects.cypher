// Create projects known to be new; their required skills and team follow with
// projects/create_requires and projects/create_worked_on.
UNWIND $rows AS row
CREATE (p:Project {id: row.id})
SET p += row.props
