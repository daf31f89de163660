// Property values that still name an erased member: equal to its $id, or (when $text is given) containing it, case-insensitive.
CALL () {
  MATCH (n)
  UNWIND keys(n) AS key
  WITH n, key, n[key] AS value
  WHERE any(v IN CASE WHEN value IS :: LIST<ANY> THEN value ELSE [value] END
            WHERE v IS :: STRING AND (v = $id OR ($text IS NOT NULL AND toLower(v) CONTAINS $text)))
  RETURN [l IN labels(n) WHERE l <> 'Party'][0] AS kind, n.id AS id, key
  UNION ALL
  MATCH (s)-[r]->(t)
  UNWIND keys(r) AS key
  WITH s, r, t, key, r[key] AS value
  WHERE any(v IN CASE WHEN value IS :: LIST<ANY> THEN value ELSE [value] END
            WHERE v IS :: STRING AND (v = $id OR ($text IS NOT NULL AND toLower(v) CONTAINS $text)))
  RETURN type(r) AS kind, s.id + ' -> ' + t.id AS id, key
}
RETURN kind, id, key
ORDER BY kind, id, key
