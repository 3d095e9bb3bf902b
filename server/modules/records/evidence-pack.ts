import { PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { designsOf, factsOf } from '../certificates/delivery.ts';
import type { CertificateDto } from '../certificates/dto.ts';
import { memberCertificates, type ReadContext } from '../certificates/queries.ts';
import { renderer } from '../certificates/renderer.ts';
import { csvLine } from '../stats/csv.ts';
import type { TrainingAssignmentDto } from '../training/dto.ts';
import { organisationToday, userAssignments } from '../training/queries.ts';
import { loadUser, loadUsers } from '../users/queries.ts';
import { memberSubmissions, type SubmissionRecord } from './queries.ts';
import { courseQuizReport, fileNamePart, quizCache, reportContext, reportRenderer, submissionReport, type ReportContext } from './quiz-reports.ts';

/** One file of a pack, as its index lists it. */
export interface EvidenceEntry {
  file: string;
  kind: 'index' | 'training_assignments' | 'certificate' | 'quiz_submission_report' | 'course_quiz_report';
  course: string | null;
  details: string;
  /** A day (YYYY-MM-DD) or an instant (ISO 8601), whichever the file is dated by. */
  date: string | null;
}

export interface EvidencePack {
  fileName: string;
  entries: EvidenceEntry[];
  /** The zip, produced as it is read: each PDF is rendered when the archive reaches it. */
  body: Readable;
}

const SUMMARY_HEADER = ['File', 'Kind', 'Employee', 'Email', 'Course', 'Details', 'Date'];
const ASSIGNMENT_HEADER = ['Reference', 'Course', 'Due on', 'Status', 'Completed on', 'Expires on', 'Cycle', 'Source', 'Assigned by', 'Assigned at'];
const BOM = '\uFEFF';

/**
 * One employee's HR evidence, as a zip: every certificate PDF (revoked, replaced and expired ones
 * too, watermarked with their status), every quiz submission report, one consolidated course quiz
 * report per enrollment with attempts, `training-assignments.csv` (the whole assignment history)
 * and `summary.csv`, the index of it all. Access is checked and everything the files are made from
 * is listed before the first byte; the PDFs are then rendered one at a time as the archive reaches
 * them, each only once the previous one has left for the client, so a pack of any size holds one
 * PDF in memory.
 */
export async function openEvidencePack(db: Executor, input: { actor: Actor; userId: string } & ReadContext): Promise<EvidencePack> {
  authorize(input.actor, 'evidencePack.download', { userId: input.userId });
  const member = await loadUser(db, input.userId);
  if (!member) throw new AppError('not_found', 'No such person.');
  const context = await reportContext(db, input.actor);
  const certificates = await memberCertificates(db, member.id, input);
  const submissions = await memberSubmissions(db, member.id);
  const assignments = [...(await userAssignments(db, member.id))].sort((a, b) => a.number - b.number);
  const { today } = await organisationToday(db, input.now);

  const names = new Set<string>();
  const unique = (path: string) => {
    const dot = path.lastIndexOf('.');
    let candidate = path;
    for (let n = 2; names.has(candidate.toLowerCase()); n++) candidate = `${path.slice(0, dot)}-${n}${path.slice(dot)}`;
    names.add(candidate.toLowerCase());
    return candidate;
  };
  const summary: EvidenceEntry = { file: unique('summary.csv'), kind: 'index', course: null, details: 'This index', date: input.now.toISOString() };
  const history: EvidenceEntry = {
    file: unique('training-assignments.csv'),
    kind: 'training_assignments',
    course: null,
    details: `${assignments.length} training assignment${assignments.length === 1 ? '' : 's'}`,
    date: input.now.toISOString(),
  };
  const certificateFiles = certificates.map((certificate) => ({
    certificate,
    entry: {
      file: unique(`certificates/${fileNamePart(certificate.courseTitle, 'course')}-${certificate.issuedOn}${certificate.status === 'valid' ? '' : `-${certificate.status}`}.pdf`),
      kind: 'certificate',
      course: certificate.courseTitle,
      details: `Certificate ${certificate.publicId}, ${certificate.status}${certificate.expiresOn ? `, expires ${certificate.expiresOn}` : ''}; verify at ${certificate.verifyUrl}`,
      date: certificate.issuedOn,
    } satisfies EvidenceEntry,
  }));
  const submissionFiles = submissions.map((record) => ({
    record,
    entry: {
      file: unique(`quiz-reports/${fileNamePart(record.courseTitle, 'course')}/${fileNamePart(record.quizTitle, 'quiz')}-attempt-${record.attempt}.pdf`),
      kind: 'quiz_submission_report',
      course: record.courseTitle,
      details: `${record.quizTitle}, attempt ${record.attempt}: ${record.percentage ?? 0}%, ${record.passed ? 'passed' : 'not passed'}`,
      date: record.submittedAt!.toISOString(),
    } satisfies EvidenceEntry,
  }));
  const courseReportFiles = [...groupByEnrollment(submissions)].map(([enrollmentId, attempts]) => ({
    enrollmentId,
    entry: {
      file: unique(`course-quiz-reports/${fileNamePart(attempts[0].courseTitle, 'course')}.pdf`),
      kind: 'course_quiz_report',
      course: attempts[0].courseTitle,
      details: `${attempts.length} quiz submission${attempts.length === 1 ? '' : 's'}`,
      date: input.now.toISOString(),
    } satisfies EvidenceEntry,
  }));
  const entries = [summary, history, ...certificateFiles.map((f) => f.entry), ...submissionFiles.map((f) => f.entry), ...courseReportFiles.map((f) => f.entry)];

  const zip = new ZipFile();
  const body = new PassThrough();
  zip.outputStream.pipe(body);
  zip.on('error', (error: Error) => body.destroy(error));
  const mtime = input.now;
  zip.addBuffer(Buffer.from(BOM + summaryCsv(entries, member), 'utf8'), summary.file, { mtime });
  zip.addBuffer(Buffer.from(BOM + (await assignmentsCsv(db, assignments)), 'utf8'), history.file, { mtime });

  // PDFs are compressed already; deflating them again costs CPU for nothing.
  const lazyPdf = (file: string, produce: () => Promise<Buffer>) =>
    zip.addReadStreamLazy(file, { mtime, compress: false }, (done) => {
      if (body.destroyed) return done(new Error('the download was abandoned'), Readable.from([]));
      produce().then(
        (pdf) => done(null, Readable.from([pdf])),
        (error: unknown) => done(error, Readable.from([])),
      );
    });

  if (certificateFiles.length) {
    const issuerName = context.organisationName;
    const designs = await designsOf(db, certificates);
    for (const { certificate, entry } of certificateFiles) lazyPdf(entry.file, async () => (await renderer()).renderCertificatePdf(certificateFacts(certificate, issuerName), designs.get(certificate.id)!));
  }
  const quizOf = quizCache(db);
  for (const { record, entry } of submissionFiles) {
    lazyPdf(entry.file, async () => (await reportRenderer()).renderQuizSubmissionReportPdf(submissionReport(record, await quizOf(record.quizId), context)));
  }
  for (const { enrollmentId, entry } of courseReportFiles) {
    lazyPdf(entry.file, async () => (await reportRenderer()).renderCourseQuizReportPdf(await courseQuizReport(db, { enrollmentId, context: context satisfies ReportContext, now: input.now })));
  }
  zip.end();

  return { fileName: `evidence-pack-${fileNamePart(member.name, 'employee')}-${today}.zip`, entries, body };
}

/** What the certificate renderer is told, with the status as a watermark when it is no longer valid. */
function certificateFacts(certificate: CertificateDto, issuerName: string) {
  return { ...factsOf(certificate, issuerName), ...(certificate.status !== 'valid' ? { status: certificate.status } : {}) };
}

function groupByEnrollment(submissions: readonly SubmissionRecord[]): Map<string, SubmissionRecord[]> {
  const groups = new Map<string, SubmissionRecord[]>();
  for (const record of submissions) groups.set(record.enrollmentId, [...(groups.get(record.enrollmentId) ?? []), record]);
  return groups;
}

function summaryCsv(entries: readonly EvidenceEntry[], member: { name: string; email: string }): string {
  return csvLine(SUMMARY_HEADER) + entries.map((entry) => csvLine([entry.file, entry.kind, member.name, member.email, entry.course, entry.details, entry.date])).join('');
}

/** The assignment history, first assignment first: every cycle, open and completed. */
async function assignmentsCsv(db: Executor, assignments: readonly TrainingAssignmentDto[]): Promise<string> {
  const assigners = new Map((await loadUsers(db, [...new Set(assignments.flatMap((a) => (a.assignedBy ? [a.assignedBy] : [])))])).map((user) => [user.id, user.name]));
  const rows = assignments.map((a) =>
    csvLine([a.reference, a.courseTitle, a.dueOn, a.status, a.completedOn, a.expiresOn, a.cycle, a.source, a.assignedBy ? (assigners.get(a.assignedBy) ?? '') : '', a.assignedAt]),
  );
  return csvLine(ASSIGNMENT_HEADER) + rows.join('');
}
