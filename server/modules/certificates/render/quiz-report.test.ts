import { describe, expect, it } from 'vitest';
import { formatInstant, renderCourseQuizReportPdf, renderQuizSubmissionReportPdf, type QuizSubmissionReport } from './index.ts';
import { normaliseSpace, pdfInfo, pdfText } from './poppler.testing.ts';

function submission(overrides: Partial<QuizSubmissionReport> = {}): QuizSubmissionReport {
  return {
    organisationName: 'Acme Learning',
    memberName: 'Zoë Łukasiewicz',
    memberEmail: 'zoe@example.com',
    courseTitle: 'Fire safety & evacuation',
    quizTitle: 'Final check',
    submittedAt: '2026-03-03T13:05:00Z',
    timezone: 'Europe/Warsaw',
    scorePercent: 66.7,
    passPercent: 60,
    passed: true,
    attemptNumber: 2,
    questions: [
      {
        prompt: 'Which extinguisher is safe on an electrical fire?',
        kind: 'single',
        options: [
          { text: 'Water', chosen: false, correct: false },
          { text: 'CO2', chosen: true, correct: true },
        ],
        correct: true,
        explanation: 'CO2 does not conduct electricity.',
      },
      {
        prompt: 'Which of these are assembly points?',
        kind: 'multiple',
        options: [
          { text: 'Car park north', chosen: true, correct: true },
          { text: 'Stairwell B', chosen: true, correct: false },
          { text: 'Front lawn', chosen: false, correct: true },
        ],
        correct: false,
        explanation: null,
      },
      {
        prompt: 'Gdzie jest zbiórka? (Łódź office, Straße 5, Αθήνα, Москва, Hà Nội)',
        kind: 'single',
        options: [
          { text: 'Przed budynkiem', chosen: true, correct: true },
          { text: 'W piwnicy', chosen: false, correct: false },
        ],
        correct: true,
        explanation: null,
      },
    ],
    ...overrides,
  };
}

describe('quiz submission report', () => {
  it('prints who, what, when in the report timezone, the score with its badge, and every question', async () => {
    const pdf = await renderQuizSubmissionReportPdf(submission());
    const text = normaliseSpace(pdfText(pdf));
    for (const expected of ['Acme Learning', 'Zoë Łukasiewicz', 'zoe@example.com', 'Fire safety & evacuation', 'Final check', '3 March 2026 at 14:05 (Europe/Warsaw)', 'Score: 66.7%', 'Pass mark: 60%', 'PASSED', 'Attempt 2']) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('1. Which extinguisher is safe on an electrical fire?');
    expect(text).toContain('CO2 (your answer, correct answer)');
    expect(text).toContain('Explanation: CO2 does not conduct electricity.');
    expect(text).toContain('Stairwell B (your answer)');
    expect(text).toContain('Front lawn (correct answer)');
    expect(text).toContain('Incorrect');
    expect(text).toContain('3. Gdzie jest zbiórka? (Łódź office, Straße 5, Αθήνα, Москва, Hà Nội)');
    expect(pdfInfo(pdf).Title).toBe('Quiz submission report: Final check – Zoë Łukasiewicz');
  }, 20_000);

  it('says NOT PASSED for a failed attempt', async () => {
    const text = normaliseSpace(pdfText(await renderQuizSubmissionReportPdf(submission({ passed: false, scorePercent: 33.3 }))));
    expect(text).toContain('NOT PASSED');
    expect(text).toContain('Score: 33.3%');
  }, 20_000);

  it('breaks a long quiz over pages without losing a question', async () => {
    const questions = Array.from({ length: 60 }, (_, i) => ({
      prompt: `Question number ${i + 1}: ${'what should happen when the alarm sounds during a shift change? '.repeat((i % 3) + 1)}`,
      kind: 'single' as const,
      options: Array.from({ length: 4 }, (_, j) => ({ text: `Answer ${i + 1}.${j + 1}`, chosen: j === 0, correct: j === i % 4 })),
      correct: i % 4 === 0,
      explanation: i % 2 ? `Explanation for question ${i + 1}.` : null,
    }));
    const pdf = await renderQuizSubmissionReportPdf(submission({ questions }));
    const pages = Number(pdfInfo(pdf).Pages);
    expect(pages).toBeGreaterThan(3);
    const text = normaliseSpace(pdfText(pdf));
    for (let i = 1; i <= 60; i++) expect(text).toContain(`Question number ${i}:`);
    expect(text).toContain('Answer 60.4');
    expect(text).toContain(`Page ${pages} of ${pages}`);
  }, 30_000);
});

describe('course quiz report', () => {
  it('opens with a summary of every submission, then prints each one', async () => {
    const pdf = await renderCourseQuizReportPdf({
      organisationName: 'Acme Learning',
      memberName: 'Zoë Łukasiewicz',
      memberEmail: 'zoe@example.com',
      courseTitle: 'Fire safety & evacuation',
      timezone: 'America/New_York',
      generatedAt: '2026-03-04T10:00:00Z',
      progressPercent: 100,
      submissions: [
        submission({ quizTitle: 'Warm-up quiz', attemptNumber: 1, passed: false, scorePercent: 40, questions: submission().questions.slice(0, 1) }),
        submission({ quizTitle: 'Final check', attemptNumber: 1 }),
      ],
    });
    const text = normaliseSpace(pdfText(pdf));
    expect(text).toContain('Course Quiz Report');
    expect(text).toContain('4 March 2026 at 05:00 (America/New_York)');
    expect(text).toContain('Progress 100%');
    expect(text.indexOf('Summary')).toBeLessThan(text.indexOf('Quiz Submission'));
    expect(text).toContain('Warm-up quiz');
    expect(text).toContain('Not passed');
    expect(text).toContain('Score: 40%');
    expect(text).toContain('Score: 66.7%');
    expect(text).toContain('Which of these are assembly points?');
    expect(Number(pdfInfo(pdf).Pages)).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('prints instants in the given zone, and in UTC when the zone is unknown', () => {
    expect(formatInstant('2026-07-01T22:30:00Z', 'Asia/Tokyo')).toBe('2 July 2026 at 07:30 (Asia/Tokyo)');
    expect(formatInstant('2026-07-01T22:30:00Z', 'Mars/Olympus')).toBe('1 July 2026 at 22:30 (UTC)');
  });
});
