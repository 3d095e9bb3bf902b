-- A reissue always replaces an earlier certificate; a certificate of a new recertification cycle
-- may replace the previous cycle's too, whatever its source.
ALTER TABLE "certificates" DROP CONSTRAINT "certificates_reissue_replaces";--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_reissue_replaces" CHECK ("certificates"."source" <> 'reissue' or "certificates"."replaces_id" is not null);
