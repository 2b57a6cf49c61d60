"""Reference for bench/data-manifest: probe every WAV/AIFF file under the given corpus folders the way a
Python script would (one process): SHA-256 of the bytes, decode (scipy.io.wavfile for WAV, aifc for AIFF),
SHA-256 of the decoded float32 samples in lib/data/probe.ts's layout (rate and channel count as uint32 LE,
then each channel's float32 LE samples). Prints one JSON line: {seconds, files, hashes: {path: contentHash}}.
"""
import aifc
import hashlib
import json
import os
import sys
import time
import warnings

import numpy as np
from scipy.io import wavfile

warnings.simplefilter("ignore")


def decode(path, data):
    if data[:4] == b"FORM":
        with aifc.open(path) as f:
            rate, ch, width, n = f.getframerate(), f.getnchannels(), f.getsampwidth(), f.getnframes()
            if width != 2:
                raise ValueError("only 16-bit AIFF in this reference")
            x = np.frombuffer(f.readframes(n), dtype=">i2").reshape(-1, ch).astype(np.float32) / 32768
        return rate, x
    rate, x = wavfile.read(path)
    if x.ndim == 1:
        x = x[:, None]
    if x.dtype == np.int16:
        x = x.astype(np.float32) / 32768
    elif x.dtype != np.float32:
        raise ValueError(f"unhandled dtype {x.dtype}")
    return rate, x


def main():
    files = []
    for root in sys.argv[1:]:
        for d, _, names in os.walk(root):
            files += [os.path.join(d, n) for n in names if n.lower().endswith((".wav", ".aif", ".aiff"))]
    files.sort()
    t0 = time.perf_counter()
    hashes = {}
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        hashlib.sha256(data).hexdigest()
        rate, x = decode(path, data)
        h = hashlib.sha256(np.array([rate, x.shape[1]], dtype="<u4").tobytes())
        for c in range(x.shape[1]):
            h.update(np.ascontiguousarray(x[:, c], dtype="<f4").tobytes())
        hashes[path] = h.hexdigest()
    print(json.dumps({"seconds": time.perf_counter() - t0, "files": len(files), "hashes": hashes}))


main()
