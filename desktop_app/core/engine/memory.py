"""Let glibc keep freed memory for reuse across Monte Carlo chunks and sweep tasks.

glibc returns freed memory above 128 KiB to the OS (and Dask workers start with a trim
threshold of 64 KiB), so each chunk's temporaries — tens of MB — are page-faulted in afresh:
on the machines here that was a third of a chunk's time in-process, and more in workers.
Monte Carlo runs and sweeps run many chunks of the same shape, so they keep freed memory for
reuse (up to ``TRIM_THRESHOLD_BYTES``).
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (glibc malloc.h)
MMAP_THRESHOLD_BYTES = 32 * 2**20  # glibc's ceiling for the threshold on 64-bit
TRIM_THRESHOLD_BYTES = 128 * 2**20


_allocator_tuned: bool | None = None


def tune_allocator() -> bool:
    """Let glibc keep freed chunk temporaries for reuse (see ``TRIM_THRESHOLD_BYTES``).

    Process-wide and idempotent; does nothing (False) where the C library is not glibc.
    """
    global _allocator_tuned
    if _allocator_tuned is None:
        _allocator_tuned = False
        if sys.platform.startswith("linux"):
            try:
                mallopt = ctypes.CDLL("libc.so.6").mallopt
            except (OSError, AttributeError):
                return False
            mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
            _allocator_tuned = (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
                                and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1)
    return _allocator_tuned
