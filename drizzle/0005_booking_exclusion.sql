-- What drizzle cannot express: the exclusion constraints that make double bookings and
-- overlapping weekly hours impossible, whatever the application does. btree_gist lets a GiST
-- index compare uuids and integers with = next to the range overlap (&&).
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
-- No two non-cancelled requests of one evaluator overlap. Ranges are half-open [start, end), so
-- back-to-back slots both fit. Concurrent overlapping inserts: one commits, the other gets 23P01.
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_no_overlap"
  EXCLUDE USING gist ("evaluator_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&)
  WHERE ("status" <> 'cancelled');
--> statement-breakpoint
-- Wall-clock ranges of a day; [start, end) so 09:00–12:00 and 12:00–15:00 both fit.
CREATE TYPE "public"."timerange" AS RANGE (subtype = time);
--> statement-breakpoint
-- An evaluator's weekly hours never overlap on one weekday.
ALTER TABLE "availability_ranges" ADD CONSTRAINT "availability_ranges_no_overlap"
  EXCLUDE USING gist ("evaluator_id" WITH =, "weekday" WITH =, timerange("start_time", "end_time") WITH &&);
