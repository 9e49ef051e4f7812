"""The stderr progress bar stays short in logs (no TTY)."""
import io
import unittest

from models.avmt.train.progress import Progress


class ProgressTest(unittest.TestCase):
    def test_log_output(self) -> None:
        s = io.StringIO()
        p = Progress(100, 'epoch 1/1', stream=s)
        for _ in range(100):
            p.update(loss=0.5)
        p.close()
        lines = s.getvalue().splitlines()
        self.assertLessEqual(len(lines), 11)
        self.assertIn('100/100', lines[-1])
        self.assertIn('loss=0.5', lines[-1])

    def test_disabled(self) -> None:
        s = io.StringIO()
        p = Progress(3, 'x', stream=s, enabled=False)
        p.update()
        p.close()
        self.assertEqual(s.getvalue(), '')


if __name__ == '__main__':
    unittest.main()
