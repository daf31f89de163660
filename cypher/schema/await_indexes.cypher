// Wait (at most 120 s) until every index is online.
CALL db.awaitIndexes(120)
