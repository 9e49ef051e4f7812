"""Masked multi-task loss: hand values, ArcFace margin, and unlabelled frames contributing nothing."""
import math
import unittest

import torch
import torch.nn.functional as F

from models.avmt.config import ModelConfig
from models.avmt.net.arcface import add_angular_margin
from models.avmt.net.model import SequenceOutput
from models.avmt.train.losses import au_loss, ccc, expr_loss, multitask_loss, va_loss


def batch_and_output(seed: int = 0) -> tuple[dict[str, torch.Tensor], SequenceOutput]:
    g = torch.Generator().manual_seed(seed)
    b, s = 2, 5
    va = torch.rand(b, s, 2, generator=g) * 2 - 1
    va_mask = torch.tensor([[1, 1, 0, 1, 0], [1, 0, 1, 1, 0]], dtype=torch.bool)
    au = (torch.rand(b, s, 8, generator=g) > 0.5).float()
    au_mask = torch.rand(b, s, 8, generator=g) > 0.3
    expr = torch.tensor([[0, -1, 3, 6, -1], [2, 2, -1, 5, -1]])
    batch = {'va': va, 'va_mask': va_mask, 'au': au, 'au_mask': au_mask, 'expr': expr}
    out = SequenceOutput(torch.tanh(torch.randn(b, s, 2, generator=g)).requires_grad_(),
                         torch.randn(b, s, 8, generator=g).requires_grad_(),
                         torch.randn(b, s, 7, generator=g).requires_grad_(), None)
    return batch, out


class HandValuesTest(unittest.TestCase):
    def test_ccc(self) -> None:
        x = torch.tensor([1.0, 2.0, 3.0])
        self.assertAlmostEqual(ccc(x, x).item(), 1.0, places=6)
        # cov 2/3, var 2/3 each, mean gap 1 -> 2(2/3) / (2/3 + 2/3 + 1) = 4/7
        self.assertAlmostEqual(ccc(x, x + 1).item(), 4 / 7, places=6)
        z = torch.tensor([-1.0, 0.0, 1.0])
        self.assertAlmostEqual(ccc(z, -z).item(), -1.0, places=6)

    def test_va_loss_is_one_minus_mean_ccc(self) -> None:
        pred = torch.tensor([[1.0, 1.0], [2.0, -2.0], [3.0, -3.0]])
        target = torch.tensor([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
        mask = torch.ones(3, dtype=torch.bool)
        expected = 1 - 0.5 * (1.0 + ccc(pred[:, 1], target[:, 1]).item())
        self.assertAlmostEqual(va_loss(pred, target, mask).item(), expected, places=6)

    def test_au_loss_bce(self) -> None:
        logits = torch.tensor([[0.0, 2.0]])
        target = torch.tensor([[1.0, 0.0]])
        mask = torch.tensor([[True, True]])
        expected = 0.5 * (math.log(2) + math.log(1 + math.exp(2)))
        self.assertAlmostEqual(au_loss(logits, target, mask).item(), expected, places=5)

    def test_expr_ce(self) -> None:
        logits = torch.tensor([[2.0, 0.0, 0, 0, 0, 0, 0], [9.0, 9, 9, 9, 9, 9, 9]])
        cfg = ModelConfig(variant='mt-vgg', width=0.1)
        got = expr_loss(logits, torch.tensor([0, -1]), cfg).item()
        self.assertAlmostEqual(got, -math.log(math.exp(2) / (math.exp(2) + 6)), places=5)

    def test_arcface_margin(self) -> None:
        s, m = 10.0, 0.5
        logits = torch.tensor([[0.6, 0.2, -0.1]]) * s
        out = add_angular_margin(logits, torch.tensor([0]), s, m)
        self.assertAlmostEqual(out[0, 0].item(), s * math.cos(math.acos(0.6) + m), places=4)
        torch.testing.assert_close(out[0, 1:], logits[0, 1:])
        # past theta > pi - m the fallback cos(theta) - m sin(m) keeps the logit monotonic
        far = add_angular_margin(torch.tensor([[-0.95, 0.0]]) * s, torch.tensor([0]), s, m)
        self.assertAlmostEqual(far[0, 0].item(), s * (-0.95 - m * math.sin(m)), places=4)

    def test_arcface_loss_uses_margin(self) -> None:
        logits = torch.tensor([[0.6, 0.2, -0.1, 0, 0, 0, 0]]) * 30.0
        cfg = ModelConfig(variant='mt-vgg', width=0.1, expr_head='arcface', arc_scale=30.0, arc_margin=0.5)
        expected = F.cross_entropy(add_angular_margin(logits, torch.tensor([0]), 30.0, 0.5), torch.tensor([0]))
        self.assertAlmostEqual(expr_loss(logits, torch.tensor([0]), cfg).item(), expected.item(), places=5)
        self.assertGreater(expected.item(), F.cross_entropy(logits, torch.tensor([0])).item())


class MaskingTest(unittest.TestCase):
    def check_unlabelled_frames_contribute_nothing(self, cfg: ModelConfig) -> None:
        batch, out = batch_and_output()
        loss = multitask_loss(out, batch, cfg)
        loss.total.backward()
        # gradients are exactly zero wherever there is no label
        self.assertTrue((out.va.grad[~batch['va_mask']] == 0).all())
        self.assertTrue((out.au_logits.grad[~batch['au_mask']] == 0).all())
        self.assertTrue((out.expr_logits.grad[batch['expr'] < 0] == 0).all())
        self.assertTrue((out.va.grad[batch['va_mask']] != 0).any())
        # changing (even to NaN/inf) the predictions of unlabelled entries leaves every term unchanged
        va, au, ex = out.va.detach().clone(), out.au_logits.detach().clone(), out.expr_logits.detach().clone()
        va[~batch['va_mask']] = float('nan')
        au[~batch['au_mask']] = 1e6
        ex[batch['expr'] < 0] = float('-inf')
        changed = multitask_loss(SequenceOutput(va, au, ex, None), batch, cfg)
        for a, b in zip(loss, changed):
            self.assertEqual(a.item(), b.item())

    def test_softmax_head(self) -> None:
        self.check_unlabelled_frames_contribute_nothing(ModelConfig(variant='mt-vgg', width=0.1))

    def test_arcface_head(self) -> None:
        self.check_unlabelled_frames_contribute_nothing(ModelConfig(variant='mt-vgg', width=0.1,
                                                                    expr_head='arcface'))

    def test_batch_without_labels(self) -> None:
        batch, out = batch_and_output()
        batch['va_mask'][:] = False
        batch['au_mask'][:] = False
        batch['expr'][:] = -1
        loss = multitask_loss(out, batch, ModelConfig(variant='mt-vgg', width=0.1))
        self.assertEqual(loss.total.item(), 0.0)
        loss.total.backward()  # still a graph, no error
        self.assertEqual(out.va.grad.abs().sum().item(), 0.0)

    def test_loss_weights(self) -> None:
        batch, out = batch_and_output()
        cfg = ModelConfig(variant='mt-vgg', width=0.1)
        p = multitask_loss(out, batch, cfg, (2.0, 0.0, 1.0))
        self.assertAlmostEqual(p.total.item(), 2 * p.va.item() + p.expr.item(), places=5)


if __name__ == '__main__':
    unittest.main()
