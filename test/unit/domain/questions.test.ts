import { describe, expect, it } from 'vitest';
import { frameQuestions } from '#domain/questions';
import { Question, THEMES } from '#schemas/index';

describe('five questions', () => {
  it('asks exactly five questions in the contract theme order, even with no needs', () => {
    const questions = frameQuestions([]);

    expect(questions.map((question) => question.theme)).toEqual([...THEMES]);
    expect(questions.every((question) => question.needIds.length === 0)).toBe(true);
  });

  it('lists each need under its own theme only', () => {
    const questions = frameQuestions([
      { id: 'n-advice', theme: 'advice', urgency: 'normal' },
      { id: 'n-talent', theme: 'talent', urgency: 'normal' },
      { id: 'n-grassroots', theme: 'grassroots', urgency: 'low' },
    ]);

    expect(questions).toEqual([
      { theme: 'talent', needIds: ['n-talent'] },
      { theme: 'industry', needIds: [] },
      { theme: 'literacy', needIds: [] },
      { theme: 'advice', needIds: ['n-advice'] },
      { theme: 'grassroots', needIds: ['n-grassroots'] },
    ]);
    for (const question of questions) Question.parse(question);
  });

  it('orders a theme’s needs by urgency, most urgent first, then by id', () => {
    const [, industry] = frameQuestions([
      { id: 'b-normal', theme: 'industry', urgency: 'normal' },
      { id: 'z-high', theme: 'industry', urgency: 'high' },
      { id: 'a-low', theme: 'industry', urgency: 'low' },
      { id: 'a-normal', theme: 'industry', urgency: 'normal' },
    ]);

    expect(industry?.needIds).toEqual(['z-high', 'a-normal', 'b-normal', 'a-low']);
  });
});
