// Whether the database answers a read: the health check (the answer's summary names the server).
RETURN 1 AS ok
