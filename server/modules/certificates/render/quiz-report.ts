import { createPdf, writeText } from './pdf-text.ts';
import type { Typeface } from './fonts.ts';

/** One quiz submission, as printed for HR files. */
export interface QuizSubmissionReport {
  organisationName: string;
  memberName: string;
  memberEmail: string;
  courseTitle: string;
  quizTitle: string;
  submittedAt: string;
  timezone: string;
  scorePercent: number;
  passPercent: number;
  passed: boolean;
  attemptNumber: number;
  questions: Array<{
    prompt: string;
    kind: 'single' | 'multiple';
    options: Array<{ text: string; chosen: boolean; correct: boolean }>;
    correct: boolean;
    explanation: string | null;
  }>;
}

/** Every quiz submission of one enrollment, with a cover summary. */
export interface CourseQuizReport {
  organisationName: string;
  memberName: string;
  memberEmail: string;
  courseTitle: string;
  timezone: string;
  generatedAt: string;
  progressPercent: number;
  submissions: QuizSubmissionReport[];
}

const MARGIN = 50;
const INK = '#1B1B1B';
const MUTED = '#5A5A5A';
const BRAND = '#1F3A5F';
const PASS = '#2E7D32';
const FAIL = '#C62828';

type Doc = PDFKit.PDFDocument;

/** A single submission: header, score with pass badge, every question with its options marked. */
export async function renderQuizSubmissionReportPdf(report: QuizSubmissionReport): Promise<Buffer> {
  const { doc, done } = createPdf({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Quiz submission report: ${report.quizTitle} – ${report.memberName}`,
      Author: report.organisationName,
      Subject: `${report.courseTitle}, ${report.quizTitle}, attempt ${report.attemptNumber}`,
      Keywords: ['quiz report', report.courseTitle, report.quizTitle, report.memberName].join(', '),
      Creator: report.organisationName,
      CreationDate: new Date(report.submittedAt),
    },
  });
  drawSubmission(doc, report, 'Quiz Submission Report');
  addFooters(doc, `${report.organisationName} · ${report.memberName} · ${report.quizTitle}`);
  doc.end();
  return done;
}

/** The consolidated report: a cover with a summary table, then each submission from a new page. */
export async function renderCourseQuizReportPdf(report: CourseQuizReport): Promise<Buffer> {
  const { doc, done } = createPdf({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Course quiz report: ${report.courseTitle} – ${report.memberName}`,
      Author: report.organisationName,
      Subject: `Quiz submissions of ${report.memberName} in ${report.courseTitle}`,
      Keywords: ['quiz report', report.courseTitle, report.memberName].join(', '),
      Creator: report.organisationName,
      CreationDate: new Date(report.generatedAt),
    },
  });
  drawTitle(doc, report.organisationName, 'Course Quiz Report');
  drawFields(doc, [
    ['Member', `${report.memberName} <${report.memberEmail}>`],
    ['Course', report.courseTitle],
    ['Progress', `${round(report.progressPercent)}%`],
    ['Generated', formatInstant(report.generatedAt, report.timezone)],
    ['Submissions', String(report.submissions.length)],
  ]);
  doc.moveDown(1);
  drawSummaryTable(doc, report);
  for (const submission of report.submissions) {
    doc.addPage();
    drawSubmission(doc, submission, 'Quiz Submission');
  }
  addFooters(doc, `${report.organisationName} · ${report.memberName} · ${report.courseTitle}`);
  doc.end();
  return done;
}

function drawTitle(doc: Doc, organisation: string, title: string): void {
  doc.fillColor(BRAND);
  writeText(doc, organisation, 'sansBold', 10, { x: MARGIN, y: MARGIN }, { width: contentWidth(doc) });
  doc.moveDown(0.3);
  writeText(doc, title, 'serif', 22, { x: MARGIN }, { width: contentWidth(doc) });
  doc.moveTo(MARGIN, doc.y + 4).lineTo(MARGIN + 60, doc.y + 4).lineWidth(2).strokeColor('#C8A24A').stroke();
  doc.moveDown(1);
}

function drawFields(doc: Doc, fields: Array<[string, string]>): void {
  const labelWidth = 90;
  for (const [label, value] of fields) {
    const y = doc.y;
    const valueWidth = contentWidth(doc) - labelWidth;
    ensureSpace(doc, textHeight(doc, value, 10, valueWidth) + 4);
    const top = doc.y === y ? y : doc.y;
    doc.fillColor(MUTED);
    writeText(doc, label, 'sansBold', 9, { x: MARGIN, y: top + 1 }, { width: labelWidth, lineBreak: false });
    doc.fillColor(INK);
    writeText(doc, value, 'sans', 10, { x: MARGIN + labelWidth, y: top }, { width: valueWidth });
    doc.y += 3;
  }
}

function drawSubmission(doc: Doc, report: QuizSubmissionReport, title: string): void {
  drawTitle(doc, report.organisationName, title);
  drawFields(doc, [
    ['Member', `${report.memberName} <${report.memberEmail}>`],
    ['Course', report.courseTitle],
    ['Quiz', report.quizTitle],
    ['Submitted', formatInstant(report.submittedAt, report.timezone)],
    ['Attempt', String(report.attemptNumber)],
  ]);
  doc.moveDown(0.6);
  drawScore(doc, report);
  doc.moveDown(1);
  report.questions.forEach((question, index) => drawQuestion(doc, question, index + 1));
}

function drawScore(doc: Doc, report: QuizSubmissionReport): void {
  ensureSpace(doc, 40);
  const top = doc.y;
  doc.fillColor(INK);
  writeText(doc, `Score: ${round(report.scorePercent)}%`, 'sansBold', 16, { x: MARGIN, y: top }, { lineBreak: false });
  doc.fillColor(MUTED);
  writeText(doc, `Pass mark: ${round(report.passPercent)}%`, 'sans', 10, { x: MARGIN + 150, y: top + 5 }, { lineBreak: false });
  const badge = report.passed ? 'PASSED' : 'NOT PASSED';
  const badgeWidth = report.passed ? 64 : 90;
  const badgeX = MARGIN + contentWidth(doc) - badgeWidth;
  doc.roundedRect(badgeX, top, badgeWidth, 22, 11).fill(report.passed ? PASS : FAIL);
  doc.fillColor('#FFFFFF');
  writeText(doc, badge, 'sansBold', 10, { x: badgeX, y: top + 6 }, { width: badgeWidth, align: 'center', lineBreak: false });
  doc.x = MARGIN;
  doc.y = top + 30;
}

function drawQuestion(doc: Doc, question: QuizSubmissionReport['questions'][number], number: number): void {
  const width = contentWidth(doc);
  const optionWidth = width - 22;
  // Keep a question's prompt with at least its first option on one page.
  const firstOption = question.options[0] ? textHeight(doc, question.options[0].text, 10, optionWidth) + 6 : 0;
  ensureSpace(doc, textHeight(doc, question.prompt, 11, width - 80) + 18 + firstOption);

  const top = doc.y;
  doc.fillColor(question.correct ? PASS : FAIL);
  writeText(doc, question.correct ? 'Correct' : 'Incorrect', 'sansBold', 9, { x: MARGIN + width - 70, y: top + 1 }, { width: 70, align: 'right', lineBreak: false });
  doc.fillColor(INK);
  writeText(doc, `${number}. ${question.prompt}`, 'sansBold', 11, { x: MARGIN, y: top }, { width: width - 80 });
  doc.fillColor(MUTED);
  writeText(doc, question.kind === 'single' ? 'Choose one' : 'Choose all that apply', 'sans', 8, { x: MARGIN }, { width });
  doc.moveDown(0.3);

  for (const option of question.options) {
    const marks = [option.chosen ? 'your answer' : null, option.correct ? 'correct answer' : null].filter(Boolean).join(', ');
    const line = marks ? `${option.text}  (${marks})` : option.text;
    ensureSpace(doc, textHeight(doc, line, 10, optionWidth) + 4);
    const y = doc.y;
    drawMarker(doc, MARGIN + 4, y + 1.5, question.kind, option.chosen, option.correct);
    doc.fillColor(option.correct ? PASS : option.chosen ? FAIL : INK);
    writeText(doc, line, option.chosen || option.correct ? 'sansBold' : 'sans', 10, { x: MARGIN + 22, y }, { width: optionWidth });
    doc.y += 3;
  }
  if (question.explanation) {
    ensureSpace(doc, textHeight(doc, question.explanation, 9, width - 22) + 14);
    doc.fillColor(MUTED);
    writeText(doc, `Explanation: ${question.explanation}`, 'sans', 9, { x: MARGIN + 22 }, { width: width - 22 });
  }
  doc.x = MARGIN;
  doc.moveDown(0.9);
}

/** A radio (single choice) or checkbox (multiple), filled when chosen, green when correct. */
function drawMarker(doc: Doc, x: number, y: number, kind: 'single' | 'multiple', chosen: boolean, correct: boolean): void {
  const colour = correct ? PASS : chosen ? FAIL : '#9E9E9E';
  doc.save().lineWidth(1).strokeColor(colour);
  if (kind === 'single') {
    doc.circle(x + 4.5, y + 4.5, 4.5).stroke();
    if (chosen) doc.circle(x + 4.5, y + 4.5, 2.3).fill(colour);
  } else {
    doc.rect(x, y, 9, 9).stroke();
    if (chosen) doc.rect(x + 2.2, y + 2.2, 4.6, 4.6).fill(colour);
  }
  doc.restore();
}

function drawSummaryTable(doc: Doc, report: CourseQuizReport): void {
  const columns: Array<{ title: string; width: number; align?: 'right' | 'center' }> = [
    { title: 'Quiz', width: 150 },
    { title: 'Attempt', width: 45, align: 'right' },
    { title: 'Submitted', width: 130 },
    { title: 'Score', width: 45, align: 'right' },
    { title: 'Pass mark', width: 55, align: 'right' },
    { title: 'Result', width: 70, align: 'center' },
  ];
  const row = (cells: string[], typeface: Typeface, colours: string[] = []) => {
    const height = Math.max(...cells.map((cell, i) => textHeight(doc, cell, 9, columns[i].width - 6))) + 6;
    ensureSpace(doc, height);
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc.fillColor(colours[i] ?? INK);
      writeText(doc, cell, typeface, 9, { x: x + 3, y: top + 3 }, { width: columns[i].width - 6, align: columns[i].align ?? 'left' });
      x += columns[i].width;
    });
    doc.moveTo(MARGIN, top + height).lineTo(x, top + height).lineWidth(0.5).strokeColor('#D0D0D0').stroke();
    doc.x = MARGIN;
    doc.y = top + height;
  };
  doc.fillColor(INK);
  writeText(doc, 'Summary', 'serif', 14, { x: MARGIN }, { width: contentWidth(doc) });
  doc.moveDown(0.4);
  row(columns.map((column) => column.title), 'sansBold', columns.map(() => MUTED));
  if (report.submissions.length === 0) {
    row(['No quiz submissions yet.', '', '', '', '', ''], 'sans');
    return;
  }
  for (const submission of report.submissions) {
    row(
      [submission.quizTitle, String(submission.attemptNumber), formatInstant(submission.submittedAt, report.timezone), `${round(submission.scorePercent)}%`, `${round(submission.passPercent)}%`, submission.passed ? 'Passed' : 'Not passed'],
      'sans',
      ['', '', '', '', '', submission.passed ? PASS : FAIL].map((colour) => colour || INK),
    );
  }
}

/** "Page n of N" on every page, written into the bottom margin after all content is laid out. */
function addFooters(doc: Doc, text: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let page = start; page < start + count; page++) {
    doc.switchToPage(page);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the margin must not start a new page
    doc.fillColor(MUTED);
    writeText(doc, `${text} · Page ${page + 1} of ${count}`, 'sans', 7.5, { x: MARGIN, y: doc.page.height - 32 }, { width: contentWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
    doc.addPage();
    doc.x = MARGIN;
  }
}

function textHeight(doc: Doc, text: string, size: number, width: number): number {
  return doc.font('sans-latin').fontSize(size).heightOfString(text || ' ', { width });
}

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** An instant in the report's timezone, e.g. "3 March 2026, 14:05 (Europe/Warsaw)". */
export function formatInstant(instant: string, timezone: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  let zone = timezone;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  const text = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return `${text} (${zone})`;
}
