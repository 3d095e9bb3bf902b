-- Completed training assignments are audit evidence: they are never deleted.
CREATE FUNCTION training_assignments_keep_completed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'completed' THEN
    RAISE EXCEPTION 'completed training assignment % cannot be deleted', OLD.number USING ERRCODE = '23514';
  END IF;
  RETURN OLD;
END $$;--> statement-breakpoint
CREATE TRIGGER training_assignments_keep_completed BEFORE DELETE ON training_assignments
  FOR EACH ROW EXECUTE FUNCTION training_assignments_keep_completed();
