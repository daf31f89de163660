// When each side of these introductions ($ids, or all when null) was last mailed.
MATCH (s:IntroductionMail)
WHERE $ids IS NULL OR s.introduction IN $ids
RETURN s.introduction AS introduction, s.side AS side, s.sent_at AS sent_at
ORDER BY introduction, side
