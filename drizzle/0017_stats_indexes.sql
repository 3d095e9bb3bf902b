-- Indexes for the statistics page and the audit trail (hand-written: the tables belong to other
-- modules, and these serve only reads).
-- Weekly enrolments and completions are counted one week at a time from these, index-only,
-- instead of bucketing every row of the table.
CREATE INDEX IF NOT EXISTS "enrollments_enrolled_at_idx" ON "enrollments" ("enrolled_at");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "enrollments_completed_at_idx" ON "enrollments" ("completed_at") WHERE "completed_at" IS NOT NULL;
--> statement-breakpoint
-- The audit trail filtered by actor or action, newest first.
CREATE INDEX IF NOT EXISTS "audit_events_actor_created_idx" ON "audit_events" ("actor_id", "created_at" DESC, "id" DESC);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_events_action_created_idx" ON "audit_events" ("action", "created_at" DESC, "id" DESC);
