"""Sequences over present frames, label masks, audio windows and the frame cache, on the tiny dataset."""
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from models.avmt.data.audio import read_segment
from models.avmt.data.frame_store import FrameStore
from models.avmt.data.sequences import SequenceDataset
from models.avmt.features.logmel import log_mel, trailing_window
from models.avmt.tests.fixtures import write_tiny_affwild2


class SequencesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name) / 'data'
        write_tiny_affwild2(cls.root)
        cls.ds = SequenceDataset.from_folder(cls.root, 'Train_Set', 5, True, 1000)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_chunks_cover_present_frames_once(self) -> None:
        for vi, v in enumerate(self.ds.videos):
            frames = [f for c in self.ds.chunks if c.video == vi for f in c.frames]
            self.assertEqual(frames, v.present)
        self.assertNotIn(5, [f for c in self.ds.chunks if c.video == 0 for f in c.frames])

    def test_masks(self) -> None:
        item = self.ds[0]  # vid1 frames 1, 2, 3, 4, 6
        self.assertEqual(item['frame'].tolist(), [1, 2, 3, 4, 6])
        self.assertEqual(item['va_mask'].tolist(), [True, False, True, True, True])  # frame 2: -5
        self.assertEqual(item['expr'][3].item(), -1)   # frame 4: 'Other'
        self.assertEqual(item['expr'][4].item(), self.ds.videos[0].expr[5].item())
        self.assertFalse(item['au_mask'][2].any())     # frame 3: AU -1
        self.assertFalse(item['au_mask'][:, 6].any())  # AU20 absent from the 12-AU header
        self.assertTrue(item['au_mask'][0, :6].all())

    def test_padding_is_masked(self) -> None:
        last = self.ds[len(self.ds) - 1]  # vid2_left: 17 frames -> 5+5+5+2
        self.assertEqual(last['valid'].tolist(), [True, True, False, False, False])
        self.assertFalse(last['va_mask'][2:].any() or last['au_mask'][2:].any())
        self.assertTrue((last['expr'][2:] == -1).all())
        self.assertTrue((last['face'][2:] == 0).all())

    def test_faces_scaled(self) -> None:
        face = self.ds[0]['face']
        self.assertEqual(tuple(face.shape), (5, 3, 96, 96))
        self.assertGreaterEqual(face.min().item(), -1.0)
        self.assertLessEqual(face.max().item(), 1.0)

    def test_audio_window_is_trailing_and_causal(self) -> None:
        item = self.ds[len(self.ds) - 2]  # vid2_left (25 fps, audio from vid2.wav)
        v = self.ds.videos[1]
        wav = read_segment(v.audio, 0, 10 ** 6)
        for k, f in enumerate(item['frame'].tolist()):
            end = round((f - 1) * 16000 / 25.0)
            np.testing.assert_allclose(item['audio'][k, 0].numpy(), log_mel(trailing_window(wav, end, 16000)))
        self.assertEqual(tuple(item['audio'].shape), (5, 1, 64, 98))

    def test_cache_equals_direct_decoding(self) -> None:
        v = self.ds.videos[0]
        direct = FrameStore(96).get(v, [1, 6, 14])
        cache = Path(self.tmp.name) / 'cache'
        cached = FrameStore(96, cache).get(v, [1, 6, 14])
        again = FrameStore(96, cache).get(v, [1, 6, 14])  # from the .npy
        np.testing.assert_array_equal(direct, cached)
        np.testing.assert_array_equal(direct, again)
        self.assertTrue((cache / 'vid1-96.npy').is_file())

    def test_batches_collate(self) -> None:
        batch = next(iter(torch.utils.data.DataLoader(self.ds, batch_size=2)))
        self.assertEqual(tuple(batch['face'].shape), (2, 5, 3, 96, 96))
        self.assertEqual(tuple(batch['au_mask'].shape), (2, 5, 8))


if __name__ == '__main__':
    unittest.main()
