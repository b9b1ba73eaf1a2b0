import { describe, expect, it } from 'vitest';
import { trainLogisticRegression } from './logistic-regression.ts';

const one = (...indexes: number[]) => ({ indexes, values: indexes.map(() => 1) });

describe('trainLogisticRegression', () => {
  // Feature 0 means class 0, feature 1 class 1, feature 2 class 2; feature 3 is in every example.
  const examples = [
    { input: one(0, 3), label: 0 },
    { input: one(1, 3), label: 1 },
    { input: one(2, 3), label: 2 },
    { input: one(0), label: 0 },
  ];

  it('learns which features tell the classes apart', () => {
    const model = trainLogisticRegression(examples, 4, 3);
    for (const [feature, label] of [
      [0, 0],
      [1, 1],
      [2, 2],
    ] as const) {
      const p = model.probabilities(one(feature));
      expect(p.indexOf(Math.max(...p))).toBe(label);
      expect(p[label]).toBeGreaterThan(0.6);
    }
  });

  it('gives probabilities that sum to 1, and leans on the classes it saw more for a feature shared by all', () => {
    const p = trainLogisticRegression(examples, 4, 3).probabilities(one(3));
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1);
    const empty = trainLogisticRegression(examples, 4, 3).probabilities(one());
    expect(empty[0]).toBeGreaterThan(empty[1]!);
  });

  it('is deterministic', () => {
    const a = trainLogisticRegression(examples, 4, 3).probabilities(one(0, 1));
    const b = trainLogisticRegression(examples, 4, 3).probabilities(one(0, 1));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('keeps weights smaller with a stronger L2 penalty', () => {
    const loose = trainLogisticRegression(examples, 4, 3, { l2: 0 }).probabilities(one(1));
    const tight = trainLogisticRegression(examples, 4, 3, { l2: 0.5 }).probabilities(one(1));
    expect(tight[1]).toBeLessThan(loose[1]!);
  });
});
