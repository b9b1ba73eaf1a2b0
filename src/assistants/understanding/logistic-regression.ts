/**
 * Multinomial logistic regression over sparse features, trained by stochastic gradient descent with AdaGrad steps
 * and L2 regularisation. Deterministic: examples are visited in a fixed order for a fixed number of epochs, and
 * weights start at zero, so the same examples always give the same model.
 */

/** A sparse input: feature indexes and their values, same length. */
export interface SparseInput {
  indexes: ArrayLike<number>;
  values: ArrayLike<number>;
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

/** Every example's features end to end in typed arrays: example `e` owns entries `offsets[e]` to `offsets[e + 1]`. */
interface PackedExamples {
  offsets: Int32Array;
  indexes: Int32Array;
  values: Float64Array;
  labels: Int32Array;
}

/** Packs the examples once, so that each pass reads flat typed arrays rather than one object per example. */
function pack(examples: readonly { input: SparseInput; label: number }[]): PackedExamples {
  const offsets = new Int32Array(examples.length + 1);
  examples.forEach(({ input }, e) => {
    offsets[e + 1] = offsets[e]! + input.indexes.length;
  });
  const indexes = new Int32Array(offsets[examples.length]!);
  const values = new Float64Array(indexes.length);
  examples.forEach(({ input }, e) => {
    for (let i = 0; i < input.indexes.length; i++) {
      indexes[offsets[e]! + i] = input.indexes[i]!;
      values[offsets[e]! + i] = input.values[i]!;
    }
  });
  return { offsets, indexes, values, labels: Int32Array.from(examples, (x) => x.label) };
}

/** Turns scores into probabilities in place (softmax), shifted by the largest so that exp never overflows. */
function softmax(scores: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < scores.length; k++) if (scores[k]! > max) max = scores[k]!;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = Math.exp(scores[k]! - max);
    sum += scores[k]!;
  }
  for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
  return scores;
}

/**
 * Each class's probability for the features `from..to` of `indexes`/`values`, into `scores`. Weights are stored
 * feature by feature, so the classes of one feature sit side by side.
 */
function predict(
  weights: Float64Array,
  bias: Float64Array,
  indexes: ArrayLike<number>,
  values: ArrayLike<number>,
  from: number,
  to: number,
  scores: Float64Array,
): Float64Array {
  const classes = bias.length;
  scores.set(bias);
  for (let i = from; i < to; i++) {
    const base = indexes[i]! * classes;
    const value = values[i]!;
    for (let k = 0; k < classes; k++) scores[k]! += weights[base + k]! * value;
  }
  return softmax(scores);
}

/** Trains a model on `examples` whose classes are `0..classes-1` and whose feature indexes are `0..features-1`. */
export function trainLogisticRegression(
  examples: readonly { input: SparseInput; label: number }[],
  features: number,
  classes: number,
  { epochs = 10, learningRate = 0.5, l2 = 1e-4 }: LogisticRegressionOptions = {},
): LogisticRegression {
  const { offsets, indexes, values, labels } = pack(examples);
  const weights = new Float64Array(features * classes);
  const bias = new Float64Array(classes);
  // AdaGrad, per feature rather than per weight (one square root per feature): its squared gradients so far, so
  // frequent features take smaller steps.
  const squared = new Float64Array(features).fill(1e-8);
  let biasSquared = 1e-8;

  const p = new Float64Array(classes);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let e = 0; e < labels.length; e++) {
      const from = offsets[e]!;
      const to = offsets[e + 1]!;
      predict(weights, bias, indexes, values, from, to, p);
      p[labels[e]!]! -= 1; // now the gradient of the loss with respect to each class's score
      let norm = 0;
      for (let k = 0; k < classes; k++) norm += p[k]! * p[k]!;
      biasSquared += norm;
      const biasStep = learningRate / Math.sqrt(biasSquared);
      for (let k = 0; k < classes; k++) bias[k]! -= biasStep * p[k]!;
      for (let i = from; i < to; i++) {
        const feature = indexes[i]!;
        const base = feature * classes;
        const value = values[i]!;
        squared[feature]! += norm * value * value;
        const step = learningRate / Math.sqrt(squared[feature]!);
        for (let k = 0; k < classes; k++) weights[base + k]! -= step * (p[k]! * value + l2 * weights[base + k]!);
      }
    }
  }
  const probabilities = (input: SparseInput) =>
    predict(weights, bias, input.indexes, input.values, 0, input.indexes.length, new Float64Array(classes));
  return { probabilities };
}
