// Certificate and report rendering: pure functions of their inputs, fonts loaded once per process.
export {
  certificateDesignSchema,
  defaultCertificateDesign,
  fillMergeFields,
  formatCertificateDate,
  mergeFieldNames,
  MAX_LOGO_BYTES,
  type CertificateDesign,
  type CertificateFacts,
} from './design.ts';
export { renderCertificateSvg } from './certificate-svg.ts';
export { renderCertificatePdf, renderCertificatePng } from './certificate-pdf.ts';
export { renderCourseQuizReportPdf, renderQuizSubmissionReportPdf, formatInstant, type CourseQuizReport, type QuizSubmissionReport } from './quiz-report.ts';
