import { AppError } from '../../errors.ts';
import type { QuizAuthoringDto } from '../courses/dto.ts';
import type { QuestionResultDto, SubmitInput } from './dto.ts';
import type { SubmittedAnswer } from './schema.ts';

export interface Grade {
  score: number;
  maxScore: number;
  /** 0–100, two decimals. */
  percentage: number;
  passed: boolean;
  /** The answers as stored: known questions and options only, each option once. */
  answers: SubmittedAnswer[];
  results: QuestionResultDto[];
}

/**
 * Grades answers against the quiz on the server. A single-choice question scores its points
 * when exactly its correct option is chosen, a multiple-choice one when exactly the set of its
 * correct options is; unanswered questions score nothing. Answers naming a question or option
 * that is not in the quiz, the same question twice, or several options of a single-choice
 * question are refused (400).
 * @example gradeAnswers(quiz, [{ questionId, optionIds: [optionId] }]).passed
 */
export function gradeAnswers(quiz: QuizAuthoringDto, answers: SubmitInput['answers']): Grade {
  const questions = new Map(quiz.questions.map((question) => [question.id, question]));
  const chosen = new Map<string, string[]>();
  for (const answer of answers) {
    const question = questions.get(answer.questionId);
    if (!question) throw invalid(`Question ${answer.questionId} is not part of this quiz.`);
    if (chosen.has(answer.questionId)) throw invalid(`Question ${answer.questionId} is answered twice.`);
    const optionIds = [...new Set(answer.optionIds)];
    const known = new Set(question.options.map((option) => option.id));
    const unknown = optionIds.find((id) => !known.has(id));
    if (unknown) throw invalid(`Option ${unknown} is not an option of question ${answer.questionId}.`);
    if (question.kind === 'single' && optionIds.length > 1) throw invalid(`Question ${answer.questionId} takes one option.`);
    chosen.set(answer.questionId, optionIds);
  }

  let score = 0;
  let maxScore = 0;
  const results = quiz.questions.map((question): QuestionResultDto => {
    const chosenOptionIds = chosen.get(question.id) ?? [];
    const correctOptionIds = question.options.filter((option) => option.isCorrect).map((option) => option.id);
    const correct = chosenOptionIds.length === correctOptionIds.length && correctOptionIds.every((id) => chosenOptionIds.includes(id));
    const earnedPoints = correct ? question.points : 0;
    score += earnedPoints;
    maxScore += question.points;
    return { questionId: question.id, chosenOptionIds, correctOptionIds, explanation: question.explanation, points: question.points, earnedPoints, correct };
  });
  const percentage = maxScore ? Math.round((score / maxScore) * 10_000) / 100 : 0;
  return {
    score,
    maxScore,
    percentage,
    passed: percentage >= quiz.passPercentage,
    answers: [...chosen].map(([questionId, optionIds]) => ({ questionId, optionIds })),
    results,
  };
}

/** The total points of a quiz. */
export function maxScoreOf(quiz: QuizAuthoringDto): number {
  return quiz.questions.reduce((sum, question) => sum + question.points, 0);
}

function invalid(message: string): AppError {
  return new AppError('validation_failed', message);
}
