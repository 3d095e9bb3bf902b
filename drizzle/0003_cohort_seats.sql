-- A cohort never has more members than seats. The cohort row is locked first, so concurrent
-- additions queue up and each counts the others' committed rows.
CREATE FUNCTION cohort_members_respect_seats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cohort_seats integer;
  taken integer;
BEGIN
  SELECT seats INTO cohort_seats FROM cohorts WHERE id = NEW.cohort_id FOR UPDATE;
  IF cohort_seats IS NOT NULL THEN
    SELECT count(*) INTO taken FROM cohort_members WHERE cohort_id = NEW.cohort_id;
    IF taken >= cohort_seats THEN
      RAISE EXCEPTION 'cohort % is full (% seats)', NEW.cohort_id, cohort_seats
        USING ERRCODE = 'check_violation', CONSTRAINT = 'cohort_members_seats';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cohort_members_seats BEFORE INSERT ON cohort_members
  FOR EACH ROW EXECUTE FUNCTION cohort_members_respect_seats();
--> statement-breakpoint
CREATE FUNCTION cohorts_seats_cover_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seats IS NOT NULL AND NEW.seats < (SELECT count(*) FROM cohort_members WHERE cohort_id = NEW.id) THEN
    RAISE EXCEPTION 'cohort % has more members than % seats', NEW.id, NEW.seats
      USING ERRCODE = 'check_violation', CONSTRAINT = 'cohort_members_seats';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cohorts_seats_cover_members BEFORE UPDATE OF seats ON cohorts
  FOR EACH ROW EXECUTE FUNCTION cohorts_seats_cover_members();
