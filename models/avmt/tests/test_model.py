"""Network structure, variants, width option, sequence == step-by-step, ArcFace head."""
import unittest

import torch
from torch import nn

from models.avmt.config import ModelConfig
from models.avmt.net import build_model
from models.avmt.net.arcface import ArcFaceHead

W = 0.0625


def inputs(cfg: ModelConfig, b: int = 2, s: int = 4, t: int = 98) -> tuple[torch.Tensor, torch.Tensor | None]:
    g = torch.Generator().manual_seed(0)
    face = torch.rand(b, s, 3, 96, 96, generator=g) * 2 - 1
    audio = torch.randn(b, s, 1, 64, t, generator=g) - 5 if cfg.audio else None
    return face, audio


class StructureTest(unittest.TestCase):
    def test_vgg_face_trunk(self) -> None:
        m = build_model(ModelConfig(variant='mt-vgg', width=1.0))
        convs = [c for c in m.visual.features.modules() if isinstance(c, nn.Conv2d)]
        self.assertEqual(len(convs), 13)
        per_block = [sum(isinstance(x, nn.Conv2d) for x in blk) for blk in m.visual.features]
        self.assertEqual(per_block, [2, 2, 3, 3, 3])
        self.assertEqual([blk[0].out_channels for blk in m.visual.features], [64, 128, 256, 512, 512])
        self.assertTrue(all(isinstance(blk[-1], nn.MaxPool2d) for blk in m.visual.features))
        self.assertEqual(m.visual.fc[1].out_features, 4096)
        self.assertEqual(m.visual.fc[1].in_features, 512 * 3 * 3)
        self.assertIsNone(m.gru)
        self.assertIsNone(m.audio)

    def test_width_option(self) -> None:
        m = build_model(ModelConfig(variant='av-mt-vgg-rnn', width=0.125))
        self.assertEqual([blk[0].out_channels for blk in m.visual.features], [8, 16, 32, 64, 64])
        self.assertEqual(m.cfg.visual_fc, 512)
        self.assertEqual(m.cfg.audio_fc, 64)
        m2 = build_model(ModelConfig(variant='mt-vgg', width=0.125, fc_width=100))
        self.assertEqual(m2.visual.fc[1].out_features, 100)

    def test_recurrent_and_fusion(self) -> None:
        m = build_model(ModelConfig(variant='av-mt-vgg-rnn', width=W))
        assert m.gru is not None
        self.assertEqual((m.gru.num_layers, m.gru.hidden_size), (2, 128))
        self.assertEqual(m.gru.input_size, m.cfg.visual_fc + m.cfg.audio_fc)  # concatenated streams
        self.assertEqual(m.heads.va.in_features, 128)

    def test_outputs_of_each_variant(self) -> None:
        for variant in ('mt-vgg', 'mt-vgg-rnn', 'av-mt-vgg-rnn'):
            cfg = ModelConfig(variant=variant, width=W)
            m = build_model(cfg, 0).eval()
            face, audio = inputs(cfg)
            with torch.no_grad():
                o = m(face, audio)
            self.assertEqual(tuple(o.va.shape), (2, 4, 2))
            self.assertEqual(tuple(o.au_logits.shape), (2, 4, 8))
            self.assertEqual(tuple(o.expr_logits.shape), (2, 4, 7))
            self.assertLessEqual(o.va.abs().max().item(), 1.0)
            self.assertEqual(o.state is None, variant == 'mt-vgg')

    def test_audio_window_length_is_free(self) -> None:
        cfg = ModelConfig(variant='av-mt-vgg-rnn', width=W)
        m = build_model(cfg, 0).eval()
        for t in (16, 50, 98):
            face, audio = inputs(cfg, 1, 2, t)
            with torch.no_grad():
                self.assertEqual(tuple(m(face, audio).va.shape), (1, 2, 2))

    def test_audio_required_for_av(self) -> None:
        m = build_model(ModelConfig(variant='av-mt-vgg-rnn', width=W))
        with self.assertRaises(ValueError):
            m(torch.zeros(1, 1, 3, 96, 96))


class StepTest(unittest.TestCase):
    def test_step_by_step_equals_sequence(self) -> None:
        for variant in ('mt-vgg', 'mt-vgg-rnn', 'av-mt-vgg-rnn'):
            for head in ('softmax', 'arcface'):
                cfg = ModelConfig(variant=variant, width=W, expr_head=head)
                m = build_model(cfg, 1).eval()
                face, audio = inputs(cfg)
                with torch.no_grad():
                    seq = m(face, audio)
                    state = m.zero_state(2) if cfg.recurrent else None
                    for s in range(face.shape[1]):
                        o = m.step(face[:, s], None if audio is None else audio[:, s], state)
                        state = o.state
                        torch.testing.assert_close(o.va, seq.va[:, s], atol=1e-5, rtol=0)
                        torch.testing.assert_close(o.au, torch.sigmoid(seq.au_logits[:, s]), atol=1e-5, rtol=0)
                        torch.testing.assert_close(o.expr, torch.softmax(seq.expr_logits[:, s], -1), atol=1e-5,
                                                   rtol=0)
                if cfg.recurrent:
                    torch.testing.assert_close(state, seq.state, atol=1e-5, rtol=0)


class ArcFaceHeadTest(unittest.TestCase):
    def test_logits_are_scaled_cosines(self) -> None:
        head = ArcFaceHead(5, 7, scale=30.0)
        x = torch.randn(3, 5)
        expected = 30.0 * (x / x.norm(dim=1, keepdim=True)) @ (head.weight / head.weight.norm(dim=1, keepdim=True)).T
        torch.testing.assert_close(head(x), expected)
        self.assertLessEqual(head(x * 1000).abs().max().item(), 30.0 + 1e-4, 'independent of feature norm')

    def test_model_uses_it(self) -> None:
        m = build_model(ModelConfig(variant='mt-vgg-rnn', width=W, expr_head='arcface', arc_scale=16.0))
        self.assertIsInstance(m.heads.expr, ArcFaceHead)
        self.assertEqual(m.heads.expr.scale, 16.0)


if __name__ == '__main__':
    unittest.main()
