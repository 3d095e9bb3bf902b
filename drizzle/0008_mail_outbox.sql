ALTER TYPE "public"."mail_status" ADD VALUE 'queued' BEFORE 'pending';--> statement-breakpoint
ALTER TABLE "mail_messages" ADD COLUMN "queued_at" timestamp with time zone;