// In an erasure: the change records that name the erased member ($id, alone or as a side of a tie
// pair) become "bulk" records (read everything), so that no record names them.
MATCH (c:Change)
WHERE any(i IN c.ids WHERE i = $id OR i STARTS WITH $id + ' ' OR i ENDS WITH ' ' + $id)
SET c.kinds = ['bulk'], c.ids = ['']
