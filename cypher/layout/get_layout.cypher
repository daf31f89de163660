// The kept positions of one map (parallel lists: member ids and coordinates) and the ties they were
// drawn with (parallel lists: the two ends). The latest, should two have been written at once.
MATCH (l:MapLayout {id: $id})
RETURN l.version AS version, l.ids AS ids, l.xs AS xs, l.ys AS ys, l.us AS us, l.vs AS vs
ORDER BY l.version DESC
LIMIT 1
