// An erased member leaves no trace in the kept map layouts: its position and its ties go.
MATCH (l:MapLayout)
WITH l, [i IN range(0, size(l.ids) - 1) WHERE l.ids[i] <> $id] AS keep,
     [j IN range(0, size(l.us) - 1) WHERE l.us[j] <> $id AND l.vs[j] <> $id] AS ties
SET l.ids = [i IN keep | l.ids[i]], l.xs = [i IN keep | l.xs[i]], l.ys = [i IN keep | l.ys[i]],
    l.us = [j IN ties | l.us[j]], l.vs = [j IN ties | l.vs[j]]
