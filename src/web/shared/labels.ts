// Human-readable names for the paper's labels, in one place for every page.
import type { Expression } from '../../contracts/labels.js';

export const EXPRESSION_NAMES: Record<Expression, string> = {
  neutral: 'Neutral',
  anger: 'Anger',
  disgust: 'Disgust',
  fear: 'Fear',
  happiness: 'Happiness',
  sadness: 'Sadness',
  surprise: 'Surprise',
};
