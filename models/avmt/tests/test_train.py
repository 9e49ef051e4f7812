"""Training on the tiny dataset: the loss goes down, resuming (also mid-epoch) reproduces an uninterrupted
run exactly, and the evaluate command reports the paper's metrics."""
import io
import json
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import torch

from models.avmt.cli import main
from models.avmt.config import ModelConfig
from models.avmt.data.sequences import SequenceDataset
from models.avmt.net import AffectNet, build_model
from models.avmt.tests.fixtures import write_tiny_affwild2
from models.avmt.train import trainer
from models.avmt.train.checkpoint import Checkpoint
from models.avmt.train.losses import multitask_loss
from models.avmt.train.trainer import TrainOptions, train


@torch.no_grad()
def dataset_loss(model: AffectNet, ds: SequenceDataset) -> float:
    model.eval()
    batch = next(iter(torch.utils.data.DataLoader(ds, batch_size=len(ds))))
    return multitask_loss(model(batch['face'], batch.get('audio')), batch, model.cfg).total.item()


class Interrupt(Exception):
    pass


class TrainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.base = Path(cls.tmp.name)
        cls.data = cls.base / 'data'
        write_tiny_affwild2(cls.data)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def opts(self, out: str, **kw: object) -> TrainOptions:
        base = dict(data=self.data, out=self.base / out, epochs=1, seq_len=6, batch_size=2, lr=1e-3,
                    progress=False, validate=False)
        base.update(kw)
        return TrainOptions(**base)  # type: ignore[arg-type]

    def test_a_few_steps_lower_the_loss(self) -> None:
        cfg = ModelConfig(variant='av-mt-vgg-rnn', width=0.125)
        ds = SequenceDataset.from_folder(self.data, 'Train_Set', 6, True, 1000)
        before = dataset_loss(build_model(cfg, 0), ds)  # train() initialises with the same seed
        with redirect_stderr(io.StringIO()):
            ck = train(cfg, self.opts('lower', epochs=4))
        model = build_model(ck.config)
        model.load_state_dict(ck.model)
        after = dataset_loss(model, ds)
        self.assertLess(after, before - 0.05, f'loss {before:.4f} -> {after:.4f}')
        self.assertEqual(ck.epoch, 4)
        self.assertEqual(len(ck.history), 4)
        self.assertEqual(ck.labelled['au.AU20'], 0)
        self.assertGreater(ck.labelled['va'], 0)

    def test_resume_mid_epoch_reproduces_uninterrupted_run(self) -> None:
        cfg = ModelConfig(variant='mt-vgg-rnn', width=0.125, expr_head='arcface')
        with redirect_stderr(io.StringIO()):
            straight = train(cfg, self.opts('straight', epochs=2))
            calls = {'n': 0}

            def flaky(*args: object, **kw: object) -> object:
                calls['n'] += 1
                if calls['n'] == 5:  # epoch 2, step 2 (3 steps an epoch)
                    raise Interrupt()
                return multitask_loss(*args, **kw)  # type: ignore[arg-type]

            with mock.patch.object(trainer, 'multitask_loss', side_effect=flaky):
                with self.assertRaises(Interrupt):
                    train(cfg, self.opts('resumed', epochs=2, checkpoint_every=1))
            saved = Checkpoint.load(self.base / 'resumed' / 'checkpoint.pt')
            self.assertEqual((saved.epoch, saved.step_in_epoch), (1, 1))
            resumed = train(cfg, self.opts('resumed', epochs=2, resume=True))
        self.assertEqual(resumed.epoch, 2)
        for k, v in straight.model.items():
            self.assertTrue(torch.equal(v, resumed.model[k]), k)

    def test_evaluate_command(self) -> None:
        out = self.base / 'ev'
        with redirect_stderr(io.StringIO()), redirect_stdout(io.StringIO()):
            main(['train', '--data', str(self.data), '--out', str(out), '--epochs', '1', '--seq-len', '6',
                  '--variant', 'mt-vgg', '--width', '0.125', '--batch-size', '2', '--no-progress'])
            main(['evaluate', '--checkpoint', str(out / 'checkpoint.pt'), '--data', str(self.data),
                  '--no-progress', '--out', str(out / 'metrics.json')])
        m = json.loads((out / 'metrics.json').read_text())
        for key in ('va_ccc_valence', 'va_ccc_arousal', 'au_f1', 'au_acc', 'au_total', 'expr_f1', 'expr_acc',
                    'expr_total', 'au_f1_AU1', 'expr_f1_surprise'):
            self.assertIn(key, m)
        self.assertNotIn('au_f1_AU20', m)  # never labelled in the 12-AU release
        self.assertAlmostEqual(m['expr_total'], 0.67 * m['expr_f1'] + 0.33 * m['expr_acc'])
        self.assertAlmostEqual(m['au_total'], 0.5 * m['au_f1'] + 0.5 * m['au_acc'])
        self.assertEqual(m['va_frames'], 13.0)  # vid3: 14 frames, 1 missing image, 1 row -5 (frame 2 = missing)
        ck = Checkpoint.load(out / 'checkpoint.pt')
        self.assertEqual(ck.metrics.keys(), m.keys())  # validated after the epoch


if __name__ == '__main__':
    unittest.main()
