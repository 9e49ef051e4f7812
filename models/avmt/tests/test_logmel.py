"""The log-mel recipe against an independent, loop-by-loop restatement of its definition."""
import math
import unittest

import numpy as np

from models.avmt.features import logmel as L


def naive_log_mel(x: np.ndarray) -> np.ndarray:
    """Straight from the docstring: per frame, per band, no vectorisation, complex FFT."""
    x = x.astype(np.float64) / 32768.0
    mel = lambda f: 2595.0 * math.log10(1.0 + f / 700.0)
    edges = [mel(125.0) + i * (mel(7500.0) - mel(125.0)) / 65 for i in range(66)]
    frames = 1 + (len(x) - 400) // 160
    out = np.zeros((64, frames))
    for t in range(frames):
        seg = np.zeros(512)
        for k in range(400):
            seg[k] = x[160 * t + k] * (0.5 - 0.5 * math.cos(2 * math.pi * k / 400))
        spec = np.fft.fft(seg)
        for m in range(64):
            e = 0.0
            for b in range(257):
                bm = mel(b * 16000 / 512)
                w = max(0.0, min((bm - edges[m]) / (edges[m + 1] - edges[m]),
                                 (edges[m + 2] - bm) / (edges[m + 2] - edges[m + 1])))
                e += w * abs(spec[b]) ** 2
            out[m, t] = math.log(e + 1e-6)
    return out


class LogMelTest(unittest.TestCase):
    def test_frame_count(self) -> None:
        self.assertEqual([L.frame_count(n) for n in (0, 399, 400, 559, 560, 16000)], [0, 0, 1, 1, 2, 98])
        self.assertEqual(L.window_samples(1000), 16000)

    def test_htk_mel_formula(self) -> None:
        self.assertAlmostEqual(float(L.hz_to_mel(700.0)), 2595.0 * math.log10(2.0), places=9)

    def test_filterbank_shape_and_bands(self) -> None:
        fb = L.mel_filterbank()
        self.assertEqual(fb.shape, (64, 257))
        self.assertTrue(((fb > 0).sum(1) >= 1).all(), 'every band covers at least one FFT bin')
        self.assertLessEqual(fb.max(), 1.0)
        self.assertTrue((fb[:, :4] == 0).all(), 'nothing below 125 Hz')  # bin 4 = 125 Hz exactly
        self.assertTrue((fb[:, 241:] == 0).all(), 'nothing above 7500 Hz')  # bin 240 = 7500 Hz
        self.assertTrue((np.diff(fb.argmax(1)) >= 0).all(), 'band centres increase')

    def test_equals_naive_definition(self) -> None:
        rng = np.random.default_rng(3)
        x = (rng.normal(0, 2000, 400 + 160 * 3)).astype(np.int16)
        np.testing.assert_allclose(L.log_mel(x), naive_log_mel(x), atol=1e-5)

    def test_tone_peaks_in_its_band(self) -> None:
        t = np.arange(16000) / 16000
        x = (10000 * np.sin(2 * np.pi * 1000 * t)).astype(np.int16)
        peak = int(L.log_mel(x).mean(1).argmax())
        centres = np.linspace(L.hz_to_mel(125.0), L.hz_to_mel(7500.0), 66)[1:-1]
        self.assertEqual(peak, int(np.abs(centres - L.hz_to_mel(1000.0)).argmin()))

    def test_int16_and_float_agree(self) -> None:
        x = np.random.default_rng(1).integers(-3000, 3000, 2000).astype(np.int16)
        np.testing.assert_array_equal(L.log_mel(x), L.log_mel(x.astype(np.float32) / 32768.0))

    def test_silence_is_the_log_floor(self) -> None:
        np.testing.assert_allclose(L.log_mel(np.zeros(1000, np.int16)), np.log(1e-6), rtol=1e-6)

    def test_trailing_window_zero_pads(self) -> None:
        x = np.arange(1, 11, dtype=np.int16)
        np.testing.assert_array_equal(L.trailing_window(x, 3, 5), [0, 0, 1, 2, 3])
        np.testing.assert_array_equal(L.trailing_window(x, 10, 4), [7, 8, 9, 10])
        np.testing.assert_array_equal(L.trailing_window(x, 12, 4), [9, 10, 0, 0])


if __name__ == '__main__':
    unittest.main()
