CREATE TYPE "public"."training_assignment_source" AS ENUM('manual', 'bulk', 'onboarding', 'recertification');--> statement-breakpoint
CREATE TYPE "public"."training_assignment_status" AS ENUM('pending', 'in_progress', 'completed', 'overdue');--> statement-breakpoint
CREATE TABLE "training_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "training_assignments_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"status" "training_assignment_status" DEFAULT 'pending' NOT NULL,
	"source" "training_assignment_source" DEFAULT 'manual' NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"counts_from" timestamp with time zone,
	"assigned_by" uuid,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_on" date,
	"reminder_sent_at" timestamp with time zone,
	"overdue_notified_at" timestamp with time zone,
	"renewed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_assignments_cycle_positive" CHECK ("training_assignments"."cycle" > 0),
	CONSTRAINT "training_assignments_completed_has_day" CHECK (("training_assignments"."status" = 'completed') = ("training_assignments"."completed_on" is not null))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "designation" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "employee_code" text;--> statement-breakpoint
ALTER TABLE "training_assignments" ADD CONSTRAINT "training_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_assignments" ADD CONSTRAINT "training_assignments_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_assignments" ADD CONSTRAINT "training_assignments_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_assignments" ADD CONSTRAINT "training_assignments_assigned_by_users_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "training_assignments_number_key" ON "training_assignments" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "training_assignments_one_open_key" ON "training_assignments" USING btree ("user_id","course_id") WHERE "training_assignments"."status" <> 'completed';--> statement-breakpoint
CREATE UNIQUE INDEX "training_assignments_cycle_key" ON "training_assignments" USING btree ("user_id","course_id","cycle");--> statement-breakpoint
CREATE INDEX "training_assignments_enrollment_idx" ON "training_assignments" USING btree ("enrollment_id");--> statement-breakpoint
CREATE INDEX "training_assignments_course_status_idx" ON "training_assignments" USING btree ("course_id","status");--> statement-breakpoint
CREATE INDEX "training_assignments_open_due_idx" ON "training_assignments" USING btree ("due_on") WHERE "training_assignments"."status" <> 'completed';--> statement-breakpoint
CREATE INDEX "users_department_idx" ON "users" USING btree ("department");--> statement-breakpoint
CREATE UNIQUE INDEX "users_employee_code_key" ON "users" USING btree ("employee_code");