"""Streaming export: the ONNX graph per variant, its manifest, and the reference data for the Node test.
(There is no onnxruntime for Python here; test/unit/avmt/streaming-export.test.ts runs the graph.)"""
import hashlib
import io
import json
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import onnx
import torch

from models.avmt.cli import main
from models.avmt.config import ModelConfig
from models.avmt.features.logmel import recipe
from models.avmt.net import build_model
from models.avmt.tests.fixtures import write_tiny_affwild2

KEYS = {'manifestVersion', 'id', 'version', 'file', 'sha256', 'bytes', 'inputs', 'outputs', 'preprocessing',
        'provenance', 'createdBy'}


def run(*argv: str) -> None:
    with redirect_stderr(io.StringIO()), redirect_stdout(io.StringIO()):
        main(list(argv))


class ExportTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.out = Path(self.tmp.name)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_untrained_av_export_and_manifest(self) -> None:
        run('export', '--untrained', '--out', str(self.out), '--width', '0.0625', '--reference-steps', '3')
        path = self.out / 'avmt.onnx'
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
        self.assertEqual(model.opset_import[0].version, 13)
        self.assertEqual([i.name for i in model.graph.input], ['face', 'audio', 'h0'])
        self.assertEqual([o.name for o in model.graph.output], ['va', 'au', 'expr', 'h1'])
        self.assertIn('GRU', {n.op_type for n in model.graph.node})
        m = json.loads((self.out / 'avmt.json').read_text())
        self.assertEqual(set(m), KEYS)
        self.assertEqual((m['manifestVersion'], m['id'], m['file']), (1, 'avmt', 'avmt.onnx'))
        self.assertEqual(m['sha256'], hashlib.sha256(path.read_bytes()).hexdigest())
        self.assertEqual(m['bytes'], path.stat().st_size)
        shapes = {t['name']: t['shape'] for t in m['inputs'] + m['outputs']}
        self.assertEqual(shapes, {'face': ['N', 3, 96, 96], 'audio': ['N', 1, 64, 'T'], 'h0': [2, 'N', 128],
                                  'va': ['N', 2], 'au': ['N', 8], 'expr': ['N', 7], 'h1': [2, 'N', 128]})
        labels = {t['name']: t.get('labels') for t in m['outputs']}
        self.assertEqual(labels['expr'], ['neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise'])
        self.assertEqual(labels['au'], ['AU1', 'AU2', 'AU4', 'AU6', 'AU12', 'AU15', 'AU20', 'AU25'])
        self.assertEqual(m['provenance']['status'], 'untrained')
        self.assertNotIn('training', m['provenance'])
        self.assertEqual(m['preprocessing']['audio']['logMel'], json.loads(json.dumps(recipe())))
        self.assertEqual(m['preprocessing']['audio']['frames'], 98)
        ref = json.loads((self.out / 'reference' / 'reference.json').read_text())
        self.assertEqual(ref['arrays']['face']['shape'], [3, 2, 3, 96, 96])
        self.assertEqual(ref['arrays']['audio']['shape'], [3, 2, 1, 64, 98])
        self.assertEqual(ref['arrays']['h_final']['shape'], [2, 2, 128])

    def test_reference_is_the_sequence_model(self) -> None:
        run('export', '--untrained', '--out', str(self.out), '--width', '0.0625', '--variant', 'mt-vgg-rnn',
            '--seed', '4', '--reference-steps', '3', '--reference-batch', '1')
        ref = self.out / 'reference'
        load = lambda n, s: torch.from_numpy(np.fromfile(ref / f'{n}.f32', '<f4').reshape(s))
        face, h = load('face', (3, 1, 3, 96, 96)), load('h0', (2, 1, 128))
        model = build_model(ModelConfig(variant='mt-vgg-rnn', width=0.0625), 4).eval()
        with torch.no_grad():
            for s in range(3):
                o = model.step(face[s], None, h)
                h = o.state
                torch.testing.assert_close(o.expr, load('expr', (3, 1, 7))[s], atol=1e-5, rtol=0)
        torch.testing.assert_close(h, load('h_final', (2, 1, 128)), atol=1e-5, rtol=0)

    def test_inputs_per_variant(self) -> None:
        for variant, names in (('mt-vgg', ['face']), ('mt-vgg-rnn', ['face', 'h0'])):
            run('export', '--untrained', '--out', str(self.out / variant), '--width', '0.0625', '--variant', variant)
            m = json.loads((self.out / variant / 'avmt.json').read_text())
            self.assertEqual([t['name'] for t in m['inputs']], names)
            self.assertEqual('audio' in m['preprocessing'], False)

    def test_trained_provenance(self) -> None:
        data, runs = self.out / 'data', self.out / 'run'
        write_tiny_affwild2(data, frames=10)
        run('train', '--data', str(data), '--out', str(runs), '--epochs', '1', '--seq-len', '4', '--variant',
            'mt-vgg-rnn', '--width', '0.0625', '--max-steps-per-epoch', '1', '--no-progress')
        run('export', '--checkpoint', str(runs / 'checkpoint.pt'), '--out', str(self.out / 'x'), '--width', '3')
        m = json.loads((self.out / 'x' / 'avmt.json').read_text())
        p = m['provenance']
        self.assertEqual(p['status'], 'trained')
        self.assertEqual(p['training']['epochs'], 1)
        self.assertEqual(p['training']['data'], str(data.resolve()))
        self.assertIn('expr_total', p['training']['metrics'])
        self.assertEqual(p['heads']['va'], 'trained')
        self.assertEqual(p['heads']['au.AU20'], 'untrained')
        # the labelled frame counts the server checks against its minimums (src/analyzer/avmt/avmtHeads.ts)
        self.assertEqual(p['training']['labelled']['au.AU20'], 0)
        self.assertGreater(p['training']['labelled']['va'], 0)
        self.assertIn('w0.0625', m['version'])  # the checkpoint's width, not --width
        self.assertEqual(m['preprocessing']['state']['trainedSequenceLength'], 4)


if __name__ == '__main__':
    unittest.main()
