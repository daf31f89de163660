// Use an answer link's nonce once: the first claim creates its record; any later one finds it.
// Records of links past their expiry are removed first (their links are refused anyway).
CALL () {
  MATCH (old:AnswerLink) WHERE old.expires < $now
  DELETE old
}
MERGE (u:AnswerLink {nonce: $nonce})
ON CREATE SET u.used_at = $now, u.expires = $expires, u.claim = $claim
RETURN u.claim = $claim AS fresh, u.used_at AS used_at
