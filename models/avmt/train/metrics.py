"""The paper's / ABAW2020 challenge metrics, in numpy over all labelled frames of a split.

* VA: CCC per dimension (population moments) and their mean.
* AUs: F1 per AU at threshold 0.5 and macro F1 (mean over the 8 AUs); accuracy per AU and, as in the
  ABAW2020 challenge, accuracy = the mean of the per-AU accuracies; total = 0.5 F1 + 0.5 Acc.
* Expressions: F1 per class (one-vs-rest on the argmax), macro F1 over the 7 classes; accuracy = fraction
  of frames classified correctly; total = 0.67 F1 + 0.33 Acc.
* F1 is 0 where a class has no true and no predicted positives (scikit-learn's zero_division=0).
"""
from __future__ import annotations

import numpy as np

from ..labels import ACTION_UNITS, EXPRESSIONS, VA_LABELS


def ccc(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    mx, my = x.mean(), y.mean()
    denom = x.var() + y.var() + (mx - my) ** 2
    return float(2.0 * ((x - mx) * (y - my)).mean() / denom) if denom > 0 else 0.0


def f1(pred: np.ndarray, true: np.ndarray) -> float:
    pred, true = np.asarray(pred, bool), np.asarray(true, bool)
    tp = np.sum(pred & true)
    wrong = np.sum(pred != true)
    return float(2 * tp / (2 * tp + wrong)) if tp + wrong > 0 else 0.0


def va_metrics(pred: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """pred, target [M, 2] over labelled frames."""
    if len(target) < 2:
        return {}
    out = {f'va_ccc_{n}': ccc(pred[:, i], target[:, i]) for i, n in enumerate(VA_LABELS)}
    out['va_ccc_mean'] = float(np.mean(list(out.values())))
    out['va_frames'] = float(len(target))
    return out


def au_metrics(prob: np.ndarray, target: np.ndarray, mask: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """prob, target, mask [M, 8]; each AU is scored over the frames where it is labelled."""
    out: dict[str, float] = {}
    f1s, accs = [], []
    for i, name in enumerate(ACTION_UNITS):
        m = mask[:, i].astype(bool)
        if not m.any():
            continue
        p, t = prob[m, i] >= threshold, target[m, i] >= 0.5
        out[f'au_f1_{name}'] = f1(p, t)
        out[f'au_acc_{name}'] = float(np.mean(p == t))
        f1s.append(out[f'au_f1_{name}'])
        accs.append(out[f'au_acc_{name}'])
    if f1s:
        out['au_f1'] = float(np.mean(f1s))
        out['au_acc'] = float(np.mean(accs))
        out['au_total'] = 0.5 * out['au_f1'] + 0.5 * out['au_acc']
        out['au_frames'] = float(mask.any(axis=1).sum())
    return out


def expr_metrics(pred_class: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """pred_class, target [M] class indices over labelled frames."""
    if len(target) == 0:
        return {}
    out = {f'expr_f1_{n}': f1(pred_class == i, target == i) for i, n in enumerate(EXPRESSIONS)}
    out['expr_f1'] = float(np.mean(list(out.values())))
    out['expr_acc'] = float(np.mean(pred_class == target))
    out['expr_total'] = 0.67 * out['expr_f1'] + 0.33 * out['expr_acc']
    out['expr_frames'] = float(len(target))
    return out


def score(metrics: dict[str, float]) -> float:
    """One number to pick the best epoch: the mean of the task totals that were measured."""
    parts = [metrics[k] for k in ('va_ccc_mean', 'au_total', 'expr_total') if k in metrics]
    return float(np.mean(parts)) if parts else float('-inf')
