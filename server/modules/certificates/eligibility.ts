import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { loadCourseAccess, type CourseAccess } from '../courses/access.ts';
import type { CertificationBlocker } from './dto.ts';

export interface MemberEligibility {
  memberId: string;
  enrollmentId: string | null;
  eligible: boolean;
  blockers: CertificationBlocker[];
  /** The member's passed, completed evaluation for the course (evaluation courses), newest first. */
  passedRequestId: string | null;
  /** Their current certificate for the course, if any. */
  currentCertificateId: string | null;
  /** The first of their cohorts that takes the course (the certificate names it). */
  cohortId: string | null;
}

type EligibilityRow = {
  member_id: string;
  enrollment_id: string | null;
  progress: string | null;
  missing_quizzes: number;
  passed_request_id: string | null;
  current_certificate_id: string | null;
  cohort_id: string | null;
};

/**
 * Whether each member may be certified for a course, and if not why: enrolled (directly or
 * through a cohort, which enrols), every lesson and required quiz done (progress 100), every
 * required quiz passed, for evaluation courses a Completed request with a pass, and no current
 * certificate; all of it within the enrollment's current cycle (`cycle_started_at`, set when a
 * recertification restarts it). The one eligibility rule of every issuing path (Get Certified, staff, bulk, after
 * an evaluation), set-based so a cohort of thousands is one query.
 *
 * Enrollments, quiz passes, evaluation outcomes and cohort membership are read here, read-only,
 * in one statement: per-member service calls would be thousands of round trips for a cohort.
 */
export async function assessEligibility(
  db: Executor,
  input: { courseId: string; memberIds: readonly string[]; course?: CourseAccess },
): Promise<MemberEligibility[]> {
  if (!input.memberIds.length) return [];
  const course = input.course ?? (await loadCourseAccess(db, input.courseId));
  const rows = await db.execute<EligibilityRow>(sql`
    select m.id as member_id, e.id as enrollment_id, e.progress::text as progress,
      case when e.id is null then 0 else (
        select count(*)::int from quizzes q
        where q.course_id = ${course.id} and q.is_required
          and not exists (select 1 from quiz_submissions qs where qs.enrollment_id = e.id and qs.quiz_id = q.id and qs.passed
            and qs.started_at >= coalesce(e.cycle_started_at, '-infinity'))
      ) end as missing_quizzes,
      (select r.id from certificate_requests r
        where r.member_id = m.id and r.course_id = ${course.id} and r.status = 'completed' and r.outcome = 'pass'
          and r.updated_at >= coalesce(e.cycle_started_at, '-infinity')
        order by r.updated_at desc limit 1) as passed_request_id,
      -- A certificate of an earlier cycle (issued before a recertification restarted the
      -- enrollment) does not stand in the way: the new one replaces it (insertCertificates).
      (select ct.id from certificates ct
        where ct.member_id = m.id and ct.course_id = ${course.id} and ct.revoked_at is null and ct.replaced_by_id is null
          and ct.issued_at >= coalesce(e.cycle_started_at, '-infinity')) as current_certificate_id,
      (select cm.cohort_id from cohort_members cm join cohort_courses cc on cc.cohort_id = cm.cohort_id and cc.course_id = ${course.id}
        where cm.user_id = m.id order by cm.joined_at, cm.cohort_id limit 1) as cohort_id
    from unnest(${sql.param([...input.memberIds])}::uuid[]) with ordinality as m(id, n)
    left join enrollments e on e.user_id = m.id and e.course_id = ${course.id} and e.status = 'active'
    order by m.n`);
  return Array.from(rows, (row) => {
    const blockers: CertificationBlocker[] = [];
    if (!row.enrollment_id) blockers.push({ code: 'not_enrolled', message: 'Not enrolled in this course.' });
    else {
      const progress = Number(row.progress);
      if (progress < 100) blockers.push({ code: 'progress_incomplete', message: `The course is ${progress}% complete; every lesson and required quiz must be done.` });
      if (row.missing_quizzes > 0) {
        blockers.push({ code: 'quiz_not_passed', message: row.missing_quizzes === 1 ? 'A required quiz is not passed yet.' : `${row.missing_quizzes} required quizzes are not passed yet.` });
      }
    }
    if (course.evaluationRequired && !row.passed_request_id) {
      blockers.push({ code: 'evaluation_required', message: 'This course needs a passed evaluation with an evaluator first.' });
    }
    if (row.current_certificate_id) blockers.push({ code: 'already_certified', message: 'Already holds a current certificate for this course.' });
    return {
      memberId: row.member_id,
      enrollmentId: row.enrollment_id,
      eligible: blockers.length === 0,
      blockers,
      passedRequestId: row.passed_request_id,
      currentCertificateId: row.current_certificate_id,
      cohortId: row.cohort_id,
    };
  });
}

/** One member's eligibility. */
export async function assessMember(db: Executor, input: { courseId: string; memberId: string; course?: CourseAccess }): Promise<MemberEligibility> {
  const [result] = await assessEligibility(db, { courseId: input.courseId, memberIds: [input.memberId], course: input.course });
  return result;
}
