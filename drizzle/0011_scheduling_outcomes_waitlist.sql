CREATE TABLE "course_evaluation_settings" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"rubric" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluation_waitlist" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	"notified_opening_id" uuid
);
--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD COLUMN "completed_by" uuid;--> statement-breakpoint
ALTER TABLE "course_evaluation_settings" ADD CONSTRAINT "course_evaluation_settings_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_evaluation_settings" ADD CONSTRAINT "course_evaluation_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_waitlist" ADD CONSTRAINT "evaluation_waitlist_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_waitlist" ADD CONSTRAINT "evaluation_waitlist_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_waitlist_member_course_key" ON "evaluation_waitlist" USING btree ("course_id","member_id");--> statement-breakpoint
CREATE INDEX "evaluation_waitlist_order_idx" ON "evaluation_waitlist" USING btree ("course_id","joined_at","id");--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_completed_by_users_id_fk" FOREIGN KEY ("completed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_completed_has_outcome" CHECK (("certificate_requests"."status" = 'completed') = ("certificate_requests"."outcome" is not null and "certificate_requests"."completed_at" is not null));