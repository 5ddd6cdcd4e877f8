#!/usr/bin/python3
"""A piped logger for tests: copies what it reads on stdin to a file, byte for
byte and unchanged, so the file holds exactly what crossed the pipe.

    tg_pipelogger.py OUT [CHUNK [PAUSE]]

reads at most CHUNK bytes at a time (default 65536) and sleeps PAUSE seconds
after each read (default 0): a slow logger keeps the pipe nearly full and
frees it a few bytes at a time."""

import os
import sys
import time


def main():
    out = sys.argv[1]
    chunk = int(sys.argv[2]) if len(sys.argv) > 2 else 65536
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    while True:
        data = os.read(0, chunk)
        if not data:
            return
        os.write(fd, data)
        if pause:
            time.sleep(pause)


if __name__ == "__main__":
    main()
