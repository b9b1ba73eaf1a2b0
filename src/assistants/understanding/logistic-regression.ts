/**
 * Multinomial logistic regression over sparse features, trained by stochastic gradient descent with AdaGrad steps
 * and L2 regularisation. Deterministic: examples are visited in a fixed order for a fixed number of epochs, and
 * weights start at zero, so the same examples always give the same model.
 */

/** A sparse input: feature indexes and their values, same length. */
export interface SparseInput {
  indexes: readonly number[];
  values: readonly number[];
}

export interface LogisticRegressionOptions {
  /** Passes over the examples. */
  epochs?: number;
  /** AdaGrad's base step. */
  learningRate?: number;
  /** L2 penalty on the weights (not the biases), per example. */
  l2?: number;
}

export interface LogisticRegression {
  /** The probability of each class for an input, summing to 1. */
  probabilities(input: SparseInput): Float64Array;
}

/** Turns scores into probabilities in place (softmax), shifted by the largest so that exp never overflows. */
function softmax(scores: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = Math.exp(scores[k]! - max);
    sum += scores[k]!;
  }
  for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
  return scores;
}

/**
 * Trains a model on `examples` whose classes are `0..classes-1` and whose feature indexes are `0..features-1`.
 * Weights are stored feature by feature, so the classes of one feature sit side by side.
 */
export function trainLogisticRegression(
  examples: readonly { input: SparseInput; label: number }[],
  features: number,
  classes: number,
  { epochs = 10, learningRate = 0.5, l2 = 1e-4 }: LogisticRegressionOptions = {},
): LogisticRegression {
  const weights = new Float64Array(features * classes);
  const bias = new Float64Array(classes);
  // AdaGrad, per feature rather than per weight (one square root per feature): its squared gradients so far, so
  // frequent features take smaller steps.
  const squared = new Float64Array(features).fill(1e-8);
  let biasSquared = 1e-8;

  /** Each class's score for an input, into `scores`, then softmax. */
  function predict({ indexes, values }: SparseInput, scores: Float64Array): Float64Array {
    scores.set(bias);
    for (let i = 0; i < indexes.length; i++) {
      const base = indexes[i]! * classes;
      const value = values[i]!;
      for (let k = 0; k < classes; k++) scores[k]! += weights[base + k]! * value;
    }
    return softmax(scores);
  }

  const p = new Float64Array(classes);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const { input, label } of examples) {
      predict(input, p);
      p[label]! -= 1; // now the gradient of the loss with respect to each class's score
      let norm = 0;
      for (let k = 0; k < classes; k++) norm += p[k]! * p[k]!;
      biasSquared += norm;
      const biasStep = learningRate / Math.sqrt(biasSquared);
      for (let k = 0; k < classes; k++) bias[k]! -= biasStep * p[k]!;
      for (let i = 0; i < input.indexes.length; i++) {
        const feature = input.indexes[i]!;
        const base = feature * classes;
        const value = input.values[i]!;
        squared[feature]! += norm * value * value;
        const step = learningRate / Math.sqrt(squared[feature]!);
        for (let k = 0; k < classes; k++) weights[base + k]! -= step * (p[k]! * value + l2 * weights[base + k]!);
      }
    }
  }
  const probabilities = (input: SparseInput) => predict(input, new Float64Array(classes));
  return { probabilities };
}
