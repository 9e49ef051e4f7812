"""A small progress bar on stderr (tqdm is not installed here). On a terminal it redraws one line; in a
log file it prints a line every 10% so CI logs stay short."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, desc: str, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total, self.desc, self.n = max(total, 0), desc, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = hasattr(self.stream, 'isatty') and self.stream.isatty()
        self.start = time.monotonic()
        self.postfix = ''
        self._last_decile = -1
        self._last_n = -1

    def update(self, n: int = 1, **postfix: float) -> None:
        self.n += n
        if postfix:
            self.postfix = ' '.join(f'{k}={v:.4g}' for k, v in postfix.items())
        self._draw(final=False)

    def close(self) -> None:
        self._draw(final=True)

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        rate = self.n / elapsed if elapsed > 0 else 0.0
        frac = self.n / self.total if self.total else 1.0
        bar = '#' * int(20 * frac) + '.' * (20 - int(20 * frac))
        eta = (self.total - self.n) / rate if rate > 0 else 0.0
        return (f'{self.desc} [{bar}] {self.n}/{self.total} {rate:.2f}it/s '
                f'{elapsed:.0f}s<{eta:.0f}s {self.postfix}').rstrip()

    def _draw(self, final: bool) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write('\r' + self.line() + ('\n' if final else ''))
        else:
            decile = int(10 * self.n / self.total) if self.total else 10
            if (final and self._last_n != self.n) or decile > self._last_decile:
                self._last_decile, self._last_n = decile, self.n
                self.stream.write(self.line() + '\n')
        self.stream.flush()
