// When an answer link's nonce was used; no row when it has not been.
MATCH (u:AnswerLink {nonce: $nonce})
RETURN u.used_at AS used_at
