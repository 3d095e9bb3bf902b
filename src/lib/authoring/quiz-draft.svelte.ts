import type { QuizAuthoringDto, QuizInput } from '$server/modules/courses/dto.ts';
import { ApiError, getQuiz, saveQuiz } from '$lib/api/client';
import { issuesByPath } from '$lib/api/field-errors';
import { Snapshot } from '$lib/snapshot.svelte';
import { describeApiError } from '$lib/toasts.svelte';

export interface OptionDraft {
  /** Stable identity for the list while editing (server ids change on every save). */
  key: number;
  label: string;
  isCorrect: boolean;
}

export interface QuestionDraft {
  key: number;
  prompt: string;
  kind: 'single' | 'multiple';
  explanation: string;
  points: number;
  options: OptionDraft[];
}

let nextKey = 1;
const newOption = (label = '', isCorrect = false): OptionDraft => ({ key: nextKey++, label, isCorrect });
const newQuestion = (): QuestionDraft => ({ key: nextKey++, prompt: '', kind: 'single', explanation: '', points: 1, options: [newOption(), newOption()] });

/**
 * A quiz being written: settings and questions edited locally, saved whole with PUT (the server
 * replaces the questions). Validation messages from the server's 400 are kept by path
 * (`questions.2.options`), so each shows next to its field.
 */
export class QuizDraft {
  readonly quizId: string;
  readonly quiz = new Snapshot<QuizAuthoringDto>((signal) => getQuiz(this.quizId, signal));
  title = $state('');
  passPercentage = $state(70);
  maxAttempts = $state<number | null>(null);
  /** Minutes in the form; seconds on the wire. */
  timeLimitMinutes = $state<number | null>(null);
  isRequired = $state(true);
  questions = $state<QuestionDraft[]>([]);
  saving = $state(false);
  issues = $state<Record<string, string>>({});
  formError = $state<string | null>(null);

  readonly dirty = $derived(Boolean(this.quiz.value) && JSON.stringify(this.toInput()) !== JSON.stringify(inputOf(this.quiz.value!)));

  constructor(quizId: string) {
    this.quizId = quizId;
  }

  async load(): Promise<void> {
    const hadChanges = this.dirty;
    await this.quiz.load();
    if (!hadChanges && this.quiz.value) this.#reset(this.quiz.value);
  }

  /** What PUT /quizzes/{id} receives. */
  toInput(): QuizInput {
    return {
      title: this.title,
      passPercentage: this.passPercentage,
      maxAttempts: this.maxAttempts,
      timeLimitSeconds: this.timeLimitMinutes === null ? null : Math.round(this.timeLimitMinutes * 60),
      isRequired: this.isRequired,
      questions: this.questions.map((question) => ({
        prompt: question.prompt,
        kind: question.kind,
        explanation: question.explanation,
        points: question.points,
        options: question.options.map((option) => ({ label: option.label, isCorrect: option.isCorrect })),
      })),
    };
  }

  /** Saves; returns false with messages set when the server refuses. */
  async save(): Promise<boolean> {
    this.saving = true;
    this.issues = {};
    this.formError = null;
    try {
      const saved = await saveQuiz(this.quizId, this.toInput());
      this.quiz.value = saved;
      this.#reset(saved);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.issues = issuesByPath(error.details);
      this.formError = Object.keys(this.issues).length ? 'Some questions need another look: see the messages below.' : describeApiError(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  discard(): void {
    if (this.quiz.value) this.#reset(this.quiz.value);
    this.issues = {};
    this.formError = null;
  }

  addQuestion(): void {
    this.questions.push(newQuestion());
  }

  removeQuestion(index: number): void {
    this.questions.splice(index, 1);
    this.issues = {};
  }

  moveQuestion(index: number, direction: 'up' | 'down'): void {
    const target = direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= this.questions.length) return;
    const [moving] = this.questions.splice(index, 1);
    this.questions.splice(target, 0, moving);
    // Messages name questions by position, which just changed.
    this.issues = {};
  }

  setKind(question: QuestionDraft, kind: QuestionDraft['kind']): void {
    question.kind = kind;
    // A single-choice question keeps one correct option: the first one marked.
    if (kind === 'single') {
      const first = question.options.findIndex((option) => option.isCorrect);
      question.options.forEach((option, index) => (option.isCorrect = index === first));
    }
  }

  markCorrect(question: QuestionDraft, option: OptionDraft, checked: boolean): void {
    if (question.kind === 'single') question.options.forEach((candidate) => (candidate.isCorrect = candidate === option));
    else option.isCorrect = checked;
  }

  addOption(question: QuestionDraft): void {
    question.options.push(newOption());
  }

  removeOption(question: QuestionDraft, index: number): void {
    question.options.splice(index, 1);
  }

  /** Messages about question `index` that no single field shows (the rule about correct options). */
  questionIssues(index: number): string[] {
    const prefix = `questions.${index}`;
    const shownAtFields = new Set([`${prefix}.prompt`, `${prefix}.explanation`, `${prefix}.points`, `${prefix}.kind`]);
    return Object.entries(this.issues)
      .filter(([path]) => (path === prefix || path.startsWith(`${prefix}.`)) && !shownAtFields.has(path) && !/\.options\.\d+\.label$/.test(path))
      .map(([, message]) => message);
  }

  #reset(quiz: QuizAuthoringDto): void {
    this.title = quiz.title;
    this.passPercentage = quiz.passPercentage;
    this.maxAttempts = quiz.maxAttempts;
    this.timeLimitMinutes = quiz.timeLimitSeconds === null ? null : quiz.timeLimitSeconds / 60;
    this.isRequired = quiz.isRequired;
    this.questions = quiz.questions.map((question) => ({
      key: nextKey++,
      prompt: question.prompt,
      kind: question.kind,
      explanation: question.explanation,
      points: question.points,
      options: question.options.map((option) => newOption(option.label, option.isCorrect)),
    }));
  }
}

/** The saved quiz in the shape of the form, to tell whether anything changed. */
function inputOf(quiz: QuizAuthoringDto): QuizInput {
  return {
    title: quiz.title,
    passPercentage: quiz.passPercentage,
    maxAttempts: quiz.maxAttempts,
    timeLimitSeconds: quiz.timeLimitSeconds,
    isRequired: quiz.isRequired,
    questions: quiz.questions.map((question) => ({
      prompt: question.prompt,
      kind: question.kind,
      explanation: question.explanation,
      points: question.points,
      options: question.options.map((option) => ({ label: option.label, isCorrect: option.isCorrect })),
    })),
  };
}
