// HR files: quiz report PDFs and the per-employee evidence pack. Re-exported by `$lib/api/client`,
// so pages import these like every other API function. Each is a plain download link: the browser
// fetches the file itself with the session cookie, and the server streams it.
import { apiUrl } from '$lib/api/client';

/** The Quiz Submission Report PDF of one submitted attempt. */
export const quizSubmissionReportUrl = (submissionId: string) => apiUrl(`/quiz-submissions/${encodeURIComponent(submissionId)}/report.pdf`);

/** The consolidated Course Quiz PDF of one enrollment: every submitted attempt. */
export const courseQuizReportUrl = (enrollmentId: string) => apiUrl(`/enrollments/${encodeURIComponent(enrollmentId)}/quiz-report.pdf`);

/** One employee's evidence pack (zip): certificates, quiz reports, assignment history and an index. */
export const evidencePackUrl = (userId: string) => apiUrl(`/users/${encodeURIComponent(userId)}/evidence-pack.zip`);
