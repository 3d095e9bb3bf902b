DROP INDEX "training_assignments_course_status_idx";--> statement-breakpoint
DROP INDEX "training_assignments_one_open_key";--> statement-breakpoint
DROP INDEX "training_assignments_open_due_idx";--> statement-breakpoint
CREATE INDEX "training_assignments_course_idx" ON "training_assignments" USING btree ("course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "training_assignments_one_open_key" ON "training_assignments" USING btree ("user_id","course_id") WHERE "training_assignments"."completed_on" is null;--> statement-breakpoint
CREATE INDEX "training_assignments_open_due_idx" ON "training_assignments" USING btree ("due_on") WHERE "training_assignments"."completed_on" is null;--> statement-breakpoint
-- Room on each page for the sweep's HOT updates: every open row can take its overdue version beside it.
ALTER TABLE "training_assignments" SET (fillfactor = 50);
