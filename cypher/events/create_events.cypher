// Create events known to be new; their attendees follow with events/create_attended.
UNWIND $rows AS row
CREATE (e:Event {id: row.id})
SET e += row.props
