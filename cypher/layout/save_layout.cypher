// Keep one map's positions and the ties they were drawn with; a layout kept for a later graph
// version is left as it is.
MERGE (l:MapLayout {id: $id})
WITH l
WHERE l.version IS NULL OR l.version <= $version
SET l.version = $version, l.ids = $ids, l.xs = $xs, l.ys = $ys, l.us = $us, l.vs = $vs,
    l.updated = datetime()
