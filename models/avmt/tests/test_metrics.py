"""The paper's metrics against values computed by hand."""
import unittest

import numpy as np

from models.avmt.train.metrics import au_metrics, ccc, expr_metrics, f1, score, va_metrics


class MetricsTest(unittest.TestCase):
    def test_ccc(self) -> None:
        x = np.array([1.0, 2.0, 3.0])
        self.assertAlmostEqual(ccc(x, x), 1.0)
        self.assertAlmostEqual(ccc(x, x + 1), 4 / 7)
        self.assertAlmostEqual(ccc(x, np.full(3, 2.0)), 0.0)

    def test_va(self) -> None:
        pred = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
        target = np.array([[2.0, 0.0], [3.0, 1.0], [4.0, 0.0]])
        m = va_metrics(pred, target)
        self.assertAlmostEqual(m['va_ccc_valence'], 4 / 7)
        self.assertAlmostEqual(m['va_ccc_arousal'], 1.0)
        self.assertAlmostEqual(m['va_ccc_mean'], (4 / 7 + 1) / 2)

    def test_f1(self) -> None:
        self.assertAlmostEqual(f1(np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0])), 0.5)  # tp 1 fp 1 fn 1
        self.assertAlmostEqual(f1(np.array([1, 1, 1]), np.array([1, 1, 0])), 0.8)        # 2*2/(4+1)
        self.assertEqual(f1(np.zeros(3), np.zeros(3)), 0.0)  # no positives at all: 0 (zero_division=0)

    def test_au(self) -> None:
        # AU1 labelled on 4 frames, AU2 on 3 (4th unlabelled), the other 6 never labelled (left out)
        prob = np.zeros((4, 8))
        target = np.zeros((4, 8))
        mask = np.zeros((4, 8), bool)
        prob[:, 0], target[:, 0], mask[:, 0] = [0.9, 0.8, 0.2, 0.1], [1, 0, 1, 0], True   # tp1 fp1 fn1 tn1
        prob[:, 1], target[:, 1], mask[:3, 1] = [0.7, 0.6, 0.4, 0.99], [1, 1, 0, 0], True  # all right
        m = au_metrics(prob, target, mask)
        self.assertAlmostEqual(m['au_f1_AU1'], 0.5)
        self.assertAlmostEqual(m['au_acc_AU1'], 0.5)
        self.assertAlmostEqual(m['au_f1_AU2'], 1.0)
        self.assertAlmostEqual(m['au_acc_AU2'], 1.0)
        self.assertNotIn('au_f1_AU4', m)
        self.assertAlmostEqual(m['au_f1'], 0.75)
        self.assertAlmostEqual(m['au_acc'], 0.75)  # mean of per-AU accuracies
        self.assertAlmostEqual(m['au_total'], 0.5 * 0.75 + 0.5 * 0.75)

    def test_expr(self) -> None:
        target = np.array([0, 0, 1, 2])
        pred = np.array([0, 1, 1, 2])
        m = expr_metrics(pred, target)
        # class 0: tp1 fn1 -> 2/3; class 1: tp1 fp1 -> 2/3; class 2: 1; classes 3-6: 0
        self.assertAlmostEqual(m['expr_f1_neutral'], 2 / 3)
        self.assertAlmostEqual(m['expr_f1_anger'], 2 / 3)
        self.assertAlmostEqual(m['expr_f1_disgust'], 1.0)
        self.assertAlmostEqual(m['expr_f1'], (2 / 3 + 2 / 3 + 1) / 7)
        self.assertAlmostEqual(m['expr_acc'], 0.75)
        self.assertAlmostEqual(m['expr_total'], 0.67 * (1 / 3) + 0.33 * 0.75)

    def test_score_and_empty(self) -> None:
        self.assertEqual(va_metrics(np.zeros((1, 2)), np.zeros((1, 2))), {})
        self.assertEqual(expr_metrics(np.zeros(0), np.zeros(0)), {})
        self.assertAlmostEqual(score({'va_ccc_mean': 0.2, 'expr_total': 0.4}), 0.3)
        self.assertEqual(score({}), float('-inf'))


if __name__ == '__main__':
    unittest.main()
