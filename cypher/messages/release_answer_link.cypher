// Give back an answer link claimed by $claim whose answer could not be recorded, so it works again.
MATCH (u:AnswerLink {nonce: $nonce, claim: $claim})
DELETE u
