// Uniqueness constraints on every id, and the indexes the queries need.
// Applied at start-up; every statement is idempotent (IF NOT EXISTS).
CREATE CONSTRAINT party_id IF NOT EXISTS FOR (n:Party) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT member_id IF NOT EXISTS FOR (n:Member) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT subsector_id IF NOT EXISTS FOR (n:Subsector) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT skill_id IF NOT EXISTS FOR (n:Skill) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT introduction_id IF NOT EXISTS FOR (n:Introduction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (n:Meta) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT map_layout_id IF NOT EXISTS FOR (n:MapLayout) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT change_shard_id IF NOT EXISTS FOR (n:ChangeShard) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT change_number IF NOT EXISTS FOR (n:Change) REQUIRE (n.shard, n.n) IS UNIQUE;
CREATE INDEX change_at IF NOT EXISTS FOR (n:Change) ON (n.at);
CREATE CONSTRAINT introduction_mail_key IF NOT EXISTS FOR (n:IntroductionMail) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT answer_link_nonce IF NOT EXISTS FOR (n:AnswerLink) REQUIRE n.nonce IS UNIQUE;
CREATE INDEX member_name IF NOT EXISTS FOR (n:Member) ON (n.name_lower);
CREATE INDEX member_joined IF NOT EXISTS FOR (n:Member) ON (n.joined);
CREATE INDEX member_visibility IF NOT EXISTS FOR (n:Member) ON (n.visibility);
CREATE INDEX introduction_status IF NOT EXISTS FOR (n:Introduction) ON (n.status);
CREATE INDEX event_date IF NOT EXISTS FOR (n:Event) ON (n.date);
CREATE INDEX organisation_cluster IF NOT EXISTS FOR (n:Organisation) ON (n.cluster)
