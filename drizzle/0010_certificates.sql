CREATE TYPE "public"."certificate_claim_status" AS ENUM('queued', 'issued', 'refused');--> statement-breakpoint
CREATE TYPE "public"."certificate_source" AS ENUM('automatic', 'manual', 'evaluation', 'bulk', 'reissue');--> statement-breakpoint
CREATE TABLE "certificate_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cohort_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"template_id" uuid,
	"requested_by" uuid,
	"member_ids" jsonb NOT NULL,
	"total" integer NOT NULL,
	"skipped_at_start" integer DEFAULT 0 NOT NULL,
	"issued" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "certificate_batches_counts" CHECK ("certificate_batches"."issued" + "certificate_batches"."skipped" + "certificate_batches"."failed" <= "certificate_batches"."total" and "certificate_batches"."delivered" <= "certificate_batches"."issued")
);
--> statement-breakpoint
CREATE TABLE "certificate_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"status" "certificate_claim_status" DEFAULT 'queued' NOT NULL,
	"certificate_id" uuid,
	"refusal" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "certificate_claims_settled" CHECK (("certificate_claims"."status" = 'queued') = ("certificate_claims"."settled_at" is null))
);
--> statement-breakpoint
CREATE TABLE "certificate_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"design" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificate_templates_name_not_blank" CHECK (length(trim("certificate_templates"."name")) > 0)
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"public_id" text NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"cohort_id" uuid,
	"template_id" uuid,
	"certificate_request_id" uuid,
	"source" "certificate_source" NOT NULL,
	"issued_on" date NOT NULL,
	"expires_on" date,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_by" uuid,
	"honorary_reason" text,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoked_reason" text,
	"replaced_by_id" uuid,
	"replaces_id" uuid,
	"batch_id" uuid,
	"delivered_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificates_public_id_long" CHECK (length("certificates"."public_id") >= 26),
	CONSTRAINT "certificates_revoked_has_reason" CHECK (("certificates"."revoked_at" is null) = ("certificates"."revoked_reason" is null)),
	CONSTRAINT "certificates_revoked_reason_not_blank" CHECK ("certificates"."revoked_reason" is null or length(trim("certificates"."revoked_reason")) > 0),
	CONSTRAINT "certificates_honorary_reason_not_blank" CHECK ("certificates"."honorary_reason" is null or length(trim("certificates"."honorary_reason")) > 0),
	CONSTRAINT "certificates_expires_after_issue" CHECK ("certificates"."expires_on" is null or "certificates"."expires_on" > "certificates"."issued_on"),
	CONSTRAINT "certificates_not_replacing_itself" CHECK ("certificates"."replaced_by_id" <> "certificates"."id" and "certificates"."replaces_id" <> "certificates"."id"),
	CONSTRAINT "certificates_evaluation_has_request" CHECK ("certificates"."source" <> 'evaluation' or "certificates"."certificate_request_id" is not null),
	CONSTRAINT "certificates_reissue_replaces" CHECK (("certificates"."source" = 'reissue') = ("certificates"."replaces_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "certificate_batches" ADD CONSTRAINT "certificate_batches_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_batches" ADD CONSTRAINT "certificate_batches_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_batches" ADD CONSTRAINT "certificate_batches_template_id_certificate_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."certificate_templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_batches" ADD CONSTRAINT "certificate_batches_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_claims" ADD CONSTRAINT "certificate_claims_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_claims" ADD CONSTRAINT "certificate_claims_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_claims" ADD CONSTRAINT "certificate_claims_certificate_id_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."certificates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificate_templates" ADD CONSTRAINT "certificate_templates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_member_id_users_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_template_id_certificate_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."certificate_templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_certificate_request_id_certificate_requests_id_fk" FOREIGN KEY ("certificate_request_id") REFERENCES "public"."certificate_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_replaced_by_id_certificates_id_fk" FOREIGN KEY ("replaced_by_id") REFERENCES "public"."certificates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_replaces_id_certificates_id_fk" FOREIGN KEY ("replaces_id") REFERENCES "public"."certificates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_claims_one_queued_key" ON "certificate_claims" USING btree ("member_id","course_id") WHERE "certificate_claims"."status" = 'queued';--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_templates_one_default_key" ON "certificate_templates" USING btree ("is_default") WHERE "certificate_templates"."is_default";--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_public_id_key" ON "certificates" USING btree ("public_id");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_one_current_key" ON "certificates" USING btree ("member_id","course_id") WHERE "certificates"."revoked_at" is null and "certificates"."replaced_by_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_request_key" ON "certificates" USING btree ("certificate_request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_replaces_key" ON "certificates" USING btree ("replaces_id");--> statement-breakpoint
CREATE INDEX "certificates_course_idx" ON "certificates" USING btree ("course_id","issued_on");--> statement-breakpoint
CREATE INDEX "certificates_cohort_idx" ON "certificates" USING btree ("cohort_id");--> statement-breakpoint
CREATE INDEX "certificates_issued_on_idx" ON "certificates" USING btree ("issued_on");--> statement-breakpoint
CREATE INDEX "certificates_batch_idx" ON "certificates" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "certificates_undelivered_idx" ON "certificates" USING btree ("issued_at") WHERE "certificates"."delivered_at" is null;