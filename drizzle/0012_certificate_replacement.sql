-- A reissue points the old certificate at its replacement before the replacement exists (the old
-- row must leave the one-current-per-member-and-course index first), so the link is checked at commit.
ALTER TABLE "certificates" ALTER CONSTRAINT "certificates_replaced_by_id_certificates_id_fk" DEFERRABLE INITIALLY DEFERRED;
