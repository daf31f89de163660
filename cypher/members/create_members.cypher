// Create members known to be new (their ids are in no node yet: a replace, or a merge whose check
// found no stored record); their subsectors and skills follow with members/create_in_subsector
// and members/create_has_skill.
UNWIND $rows AS row
CREATE (m:Party:Member {id: row.id})
SET m += row.props
