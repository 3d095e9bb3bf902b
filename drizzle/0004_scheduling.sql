CREATE TYPE "public"."certificate_request_status" AS ENUM('pending', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."evaluation_outcome" AS ENUM('pass', 'fail');--> statement-breakpoint
CREATE TABLE "availability_ranges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evaluator_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start_time" time NOT NULL,
	"end_time" time NOT NULL,
	CONSTRAINT "availability_ranges_weekday_iso" CHECK ("availability_ranges"."weekday" between 1 and 7),
	CONSTRAINT "availability_ranges_ordered" CHECK ("availability_ranges"."end_time" > "availability_ranges"."start_time")
);
--> statement-breakpoint
CREATE TABLE "certificate_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"cohort_id" uuid,
	"evaluator_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" "certificate_request_status" DEFAULT 'pending' NOT NULL,
	"learner_timezone" text NOT NULL,
	"meeting_link" text,
	"outcome" "evaluation_outcome",
	"rubric_scores" jsonb,
	"notes" text,
	"ics_sequence" integer DEFAULT 0 NOT NULL,
	"cancelled_by" uuid,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificate_requests_ordered" CHECK ("certificate_requests"."ends_at" > "certificate_requests"."starts_at"),
	CONSTRAINT "certificate_requests_cancelled_has_time" CHECK (("certificate_requests"."status" = 'cancelled') = ("certificate_requests"."cancelled_at" is not null)),
	CONSTRAINT "certificate_requests_outcome_when_completed" CHECK ("certificate_requests"."outcome" is null or "certificate_requests"."status" = 'completed'),
	CONSTRAINT "certificate_requests_sequence_nonnegative" CHECK ("certificate_requests"."ics_sequence" >= 0)
);
--> statement-breakpoint
CREATE TABLE "course_evaluators" (
	"course_id" uuid NOT NULL,
	"evaluator_id" uuid NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_evaluators_course_id_evaluator_id_pk" PRIMARY KEY("course_id","evaluator_id")
);
--> statement-breakpoint
CREATE TABLE "evaluator_settings" (
	"evaluator_id" uuid PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"buffer_minutes" integer DEFAULT 0 NOT NULL,
	"meeting_link" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluator_settings_buffer_range" CHECK ("evaluator_settings"."buffer_minutes" between 0 and 240),
	CONSTRAINT "evaluator_settings_meeting_link_https" CHECK ("evaluator_settings"."meeting_link" is null or "evaluator_settings"."meeting_link" like 'https://%')
);
--> statement-breakpoint
CREATE TABLE "evaluator_slot_lengths" (
	"evaluator_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"slot_minutes" integer NOT NULL,
	CONSTRAINT "evaluator_slot_lengths_evaluator_id_course_id_pk" PRIMARY KEY("evaluator_id","course_id"),
	CONSTRAINT "evaluator_slot_lengths_range" CHECK ("evaluator_slot_lengths"."slot_minutes" between 5 and 480)
);
--> statement-breakpoint
CREATE TABLE "evaluator_unavailability" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evaluator_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluator_unavailability_ordered" CHECK ("evaluator_unavailability"."ends_on" >= "evaluator_unavailability"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "availability_ranges" ADD CONSTRAINT "availability_ranges_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_evaluators" ADD CONSTRAINT "course_evaluators_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_evaluators" ADD CONSTRAINT "course_evaluators_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_evaluators" ADD CONSTRAINT "course_evaluators_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluator_settings" ADD CONSTRAINT "evaluator_settings_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluator_slot_lengths" ADD CONSTRAINT "evaluator_slot_lengths_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluator_slot_lengths" ADD CONSTRAINT "evaluator_slot_lengths_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluator_unavailability" ADD CONSTRAINT "evaluator_unavailability_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "availability_ranges_evaluator_idx" ON "availability_ranges" USING btree ("evaluator_id","weekday");--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_requests_one_pending_key" ON "certificate_requests" USING btree ("member_id","course_id") WHERE "certificate_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "certificate_requests_evaluator_idx" ON "certificate_requests" USING btree ("evaluator_id","starts_at");--> statement-breakpoint
CREATE INDEX "certificate_requests_member_idx" ON "certificate_requests" USING btree ("member_id","starts_at");--> statement-breakpoint
CREATE INDEX "certificate_requests_course_idx" ON "certificate_requests" USING btree ("course_id","starts_at");--> statement-breakpoint
CREATE INDEX "course_evaluators_evaluator_idx" ON "course_evaluators" USING btree ("evaluator_id");--> statement-breakpoint
CREATE INDEX "evaluator_unavailability_evaluator_idx" ON "evaluator_unavailability" USING btree ("evaluator_id","ends_on");