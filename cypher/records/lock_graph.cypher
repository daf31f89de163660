// Take the write lock of the version stamp at the start of a record write, so such writes run one
// after the other: a generated id is never given twice, an update never lays its fields over a
// record another write is changing. (Every write locks the stamp anyway, when it bumps it.)
MERGE (m:Meta {id: 'graph'})
SET m.version = coalesce(m.version, 0)
