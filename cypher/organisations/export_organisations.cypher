// Every organisation of the other clusters, for the interchange document.
MATCH (o:Organisation)
RETURN o.id AS id, o.name AS name, o.cluster AS cluster, o.city AS city, o.website AS website
ORDER BY id
