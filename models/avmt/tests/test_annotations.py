"""Annotation files and folder layout of the ABAW release."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

from models.avmt.data.annotations import read_au, read_expr, read_va
from models.avmt.data.layout import list_videos, load_split
from models.avmt.tests.fixtures import write_tiny_affwild2


def write(dir_: Path, text: str) -> Path:
    p = dir_ / 'a.txt'
    p.write_text(text)
    return p


class AnnotationFilesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_va_unlabelled(self) -> None:
        va = read_va(write(self.dir, 'valence,arousal\n0.5,-0.25\n-5,-5\n1,1\n0.1,-5\n'))
        np.testing.assert_allclose(va, [[0.5, -0.25], [-5, -5], [1, 1], [-5, -5]])

    def test_au_selects_our_eight_by_name_from_twelve(self) -> None:
        header = 'AU1,AU2,AU4,AU6,AU7,AU10,AU12,AU15,AU23,AU24,AU25,AU26'
        rows = ['1,0,0,0,1,1,1,0,1,1,0,1', '-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1']
        au = read_au(write(self.dir, '\n'.join([header] + rows) + '\n'))
        # ours: AU1 AU2 AU4 AU6 AU12 AU15 AU20 AU25; AU20 is not in the 12-AU release -> unlabelled
        np.testing.assert_array_equal(au, [[1, 0, 0, 0, 1, 0, -1, 0], [-1] * 8])

    def test_au_by_name_in_any_order_and_with_au20(self) -> None:
        au = read_au(write(self.dir, 'AU25,AU20,AU15,AU12,AU6,AU4,AU2,AU1\n1,0,1,0,0,1,0,1\n'))
        np.testing.assert_array_equal(au, [[1, 0, 1, 0, 0, 1, 0, 1]])

    def test_au_wrong_file(self) -> None:
        with self.assertRaises(ValueError):
            read_au(write(self.dir, 'valence,arousal\n0,0\n'))

    def test_expr_other_is_unlabelled(self) -> None:
        header = 'Neutral,Anger,Disgust,Fear,Happiness,Sadness,Surprise,Other'
        ex = read_expr(write(self.dir, header + '\n0\n6\n7\n-1\n4\n'))
        np.testing.assert_array_equal(ex, [0, 6, -1, -1, 4])

    def test_expr_header_checked(self) -> None:
        with self.assertRaises(ValueError):
            read_expr(write(self.dir, 'valence,arousal\n1\n'))


class LayoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.truth = {v.name: v for v in write_tiny_affwild2(cls.root)}

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_split_is_union_of_task_files(self) -> None:
        self.assertEqual(list_videos(self.root, 'Train_Set'), ['vid1', 'vid2_left'])
        self.assertEqual(list_videos(self.root, 'Validation_Set'), ['vid3'])

    def test_records(self) -> None:
        vids = {v.name: v for v in load_split(self.root, 'Train_Set')}
        v1, v2 = vids['vid1'], vids['vid2_left']
        self.assertEqual(v1.present, [f for f in range(1, 15) if f not in (5, 9)])
        self.assertEqual(v1.n_frames, 14)
        self.assertEqual(v1.fps, 30.0)
        self.assertEqual(v2.fps, 25.0)  # from fps.json
        self.assertEqual(v1.audio, self.root / 'audio' / 'vid1.wav')
        self.assertEqual(v2.audio, self.root / 'audio' / 'vid2.wav')  # <name>_left -> <name>.wav
        self.assertEqual(v2.has_task, {'va': True, 'au': False, 'expr': True})
        self.assertTrue((v2.au == -1).all(), 'no AU file: unlabelled throughout')
        t = self.truth['vid1']
        np.testing.assert_allclose(v1.va[0], t.va[0], atol=1e-6)   # line 1 labels frame 1
        self.assertTrue((v1.va[1] == -5).all())
        self.assertEqual(int(v1.expr[3]), -1)  # 'Other'
        self.assertEqual(int(v1.expr[0]), int(t.expr[0]))
        np.testing.assert_array_equal(v1.au[0, :6], t.au12[0, [0, 1, 2, 3, 6, 7]])


if __name__ == '__main__':
    unittest.main()
