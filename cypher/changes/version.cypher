// The graph's version: how many change records were ever appended (0 before the first write).
OPTIONAL MATCH (s:ChangeShard)
RETURN coalesce(sum(s.n), 0) AS version
