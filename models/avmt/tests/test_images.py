"""Frame decoding through ffmpeg, the PPM stream parser, resizing and scaling."""
import subprocess
import tempfile
import unittest
from pathlib import Path

import numpy as np

from models.avmt.data.images import decode_images, parse_ppm_stream, resize_uint8, to_model_input
from models.avmt.tests.fixtures import write_jpegs


class PpmTest(unittest.TestCase):
    def test_parse_stream_of_two_sizes(self) -> None:
        a = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
        b = np.full((1, 2, 3), 7, np.uint8)
        buf = b'P6\n3 2\n255\n' + a.tobytes() + b'P6 2 1 255\n' + b.tobytes()
        frames = parse_ppm_stream(buf)
        np.testing.assert_array_equal(frames[0], a)
        np.testing.assert_array_equal(frames[1], b)

    def test_resize_and_scale(self) -> None:
        img = np.full((112, 112, 3), 200, np.uint8)
        out = resize_uint8([img], 96)
        self.assertEqual(out.shape, (1, 96, 96, 3))
        self.assertTrue((out == 200).all(), 'a flat image stays flat')
        x = to_model_input(np.array([[[[0, 255, 127]]]], np.uint8))
        self.assertEqual(tuple(x.shape), (1, 3, 1, 1))
        np.testing.assert_allclose(x.flatten().numpy(), [-1.0, 1.0, 127 / 127.5 - 1], atol=1e-7)


class DecodeTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        rng = np.random.default_rng(0)
        # smooth content so JPEG's loss stays small
        y, x = np.mgrid[0:112, 0:112]
        self.images = np.stack([np.stack([(x + 40 * i) % 256, y * 2, np.full_like(x, 60 * i)], -1)
                                for i in range(4)]).astype(np.uint8)
        self.rng = rng

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_jpeg_in_order_with_gaps(self) -> None:
        write_jpegs(self.dir, self.images)
        (self.dir / '00002.jpg').unlink()
        paths = [self.dir / f'{i:05d}.jpg' for i in (1, 3, 4)]
        frames = decode_images(paths)
        self.assertEqual(len(frames), 3)
        for f, i in zip(frames, (0, 2, 3)):
            self.assertEqual(f.shape, (112, 112, 3))
            self.assertLess(np.abs(f.astype(float) - self.images[i]).mean(), 4.0)

    def test_png_is_exact_and_mixed_extensions_keep_order(self) -> None:
        png = self.dir / '00002.png'
        subprocess.run(['ffmpeg', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s',
                        '112x112', '-i', '-', str(png)], input=self.images[1].tobytes(), check=True)
        write_jpegs(self.dir, self.images[:1])
        frames = decode_images([self.dir / '00001.jpg', png])
        np.testing.assert_array_equal(frames[1], self.images[1])
        self.assertLess(np.abs(frames[0].astype(float) - self.images[0]).mean(), 4.0)

    def test_corrupt_file_is_named(self) -> None:
        write_jpegs(self.dir, self.images[:2])
        (self.dir / '00002.jpg').write_bytes(b'not a jpeg')
        with self.assertRaisesRegex(ValueError, '00002.jpg'):
            decode_images([self.dir / '00001.jpg', self.dir / '00002.jpg'])


if __name__ == '__main__':
    unittest.main()
