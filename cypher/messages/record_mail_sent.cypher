// Record that one side of an introduction was mailed (at $sent_at); a later mail replaces the record.
UNWIND $rows AS row
MERGE (s:IntroductionMail {key: row.introduction + '/' + row.side})
SET s.introduction = row.introduction, s.side = row.side, s.sent_at = row.sent_at
