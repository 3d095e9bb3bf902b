import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { loadCourseAccess, type CourseAccess } from '../courses/access.ts';
import type { CertificateDto, CertificationStateDto } from './dto.ts';
import { assessMember } from './eligibility.ts';
import { currentCertificateId, loadCertificate, type ReadContext } from './queries.ts';

/** Is a Get Certified click of this member queued for this course (not yet issued or refused)? */
export async function hasQueuedClaim(db: Executor, input: { memberId: string; courseId: string }): Promise<boolean> {
  const [row] = await db.execute<{ id: string }>(sql`
    select id from certificate_claims where member_id = ${input.memberId} and course_id = ${input.courseId} and status = 'queued'`);
  return Boolean(row);
}

/** The member's certification state for one course: what the course page's certification tab shows. */
export async function certificationState(
  db: Executor,
  input: { memberId: string; courseId: string; course?: CourseAccess; context: ReadContext },
): Promise<CertificationStateDto> {
  const course = input.course ?? (await loadCourseAccess(db, input.courseId));
  const eligibility = await assessMember(db, { courseId: course.id, memberId: input.memberId, course });
  const pending = !eligibility.currentCertificateId && (await hasQueuedClaim(db, { memberId: input.memberId, courseId: course.id }));
  const heldId = eligibility.currentCertificateId ?? (await currentCertificateId(db, { memberId: input.memberId, courseId: course.id }));
  return {
    courseId: course.id,
    certificationEnabled: course.enableCertification,
    evaluationRequired: course.evaluationRequired,
    eligible: course.enableCertification && eligibility.eligible,
    blockers: eligibility.blockers,
    pending,
    // The certificate they hold, even one of an earlier cycle that a new one will replace.
    certificate: heldId ? await loadCertificate(db, heldId, input.context) : null,
  };
}

/**
 * The state of a member who now holds `certificate`, without asking the database again: a bulk
 * issuance tells hundreds of learners at once. A queued Get Certified click of theirs is settled
 * by its own job, which tells them again.
 */
export function certifiedState(course: Pick<CourseAccess, 'id' | 'enableCertification' | 'evaluationRequired'>, certificate: CertificateDto): CertificationStateDto {
  return {
    courseId: course.id,
    certificationEnabled: course.enableCertification,
    evaluationRequired: course.evaluationRequired,
    eligible: false,
    blockers: [{ code: 'already_certified', message: 'Already holds a current certificate for this course.' }],
    pending: false,
    certificate,
  };
}
