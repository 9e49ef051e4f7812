// Label orders shared by every model, estimator, event and page. The order is the Aff-Wild2 paper's
// (Kollias & Zafeiriou), so index i means the same class everywhere in affectcast.

export const EXPRESSIONS = ['neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'] as const;
export type Expression = (typeof EXPRESSIONS)[number];

export const ACTION_UNITS = ['AU1', 'AU2', 'AU4', 'AU6', 'AU12', 'AU15', 'AU20', 'AU25'] as const;
export type ActionUnit = (typeof ACTION_UNITS)[number];

/** Provenance of a value that this model profile has no source for. */
export const UNAVAILABLE = 'unavailable';
