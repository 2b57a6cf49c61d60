#!/usr/bin/python3
"""librosa side of bench/features: the `seed000-bench` feature set (MFCC 40 + delta + delta-delta + chroma
+ ZCR + RMS; n_fft 512, hop 256, 128 mels, 22050 Hz), on one thread (run with OMP_NUM_THREADS=1 etc.).
Reads requests from stdin, one JSON list of paths per line, and answers each with one JSON line
{"seconds", "loadSeconds", "audioSeconds", "checksums"}, so the bench can interleave chunks of both sides
(the machine is shared; interleaving exposes both to the same load).

librosa 0.10.1 is imported from LIBROSA_SRC (see test/fixtures/features/make-golden.py for how to get it);
never a dependency of the project.
"""
import json, os, sys, time

sys.path.insert(0, os.environ.get('LIBROSA_SRC', '/tmp/librosa-src'))
sys.path.insert(1, os.environ.get('SOXR_STUB', '/tmp/pystub'))
import numpy as np  # noqa: E402
import audioread  # noqa: E402
import librosa  # noqa: E402

# librosa.load asks audioread.available_backends() on every call; Debian's audioread 2.1.9 answers by
# running `ffmpeg -version` and `ldconfig -p` each time, which audioread >= 3.0 caches. Cache it here too,
# so librosa is not charged for an old dependency's process spawning.
_backends = audioread.available_backends()
audioread.available_backends = lambda *args, **kwargs: _backends

SR, N_FFT, HOP, N_MELS, N_MFCC = 22050, 512, 256, 128, 40


def features(y):
    mfcc = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=N_MFCC, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)
    return np.vstack([
        mfcc,
        librosa.feature.delta(mfcc),
        librosa.feature.delta(mfcc, order=2),
        librosa.feature.chroma_stft(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP),
        librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP),
        librosa.feature.rms(y=y, frame_length=N_FFT, hop_length=HOP),
    ]).T


def run(paths):
    load = 0.0
    audio = 0.0
    checksums = []
    t0 = time.perf_counter()
    for p in paths:
        t = time.perf_counter()
        y, _ = librosa.load(p, sr=SR, res_type='polyphase')
        load += time.perf_counter() - t
        audio += len(y) / SR
        checksums.append(float(np.sum(features(y), dtype=np.float64)))
    seconds = time.perf_counter() - t0
    return {'seconds': seconds, 'loadSeconds': load, 'audioSeconds': audio, 'checksums': checksums}


warm = False
for line in sys.stdin:
    paths = json.loads(line)
    if not warm:
        # Warm-up (numba compilation, filter caches) outside the timing.
        features(librosa.load(paths[0], sr=SR, res_type='polyphase')[0])
        warm = True
    sys.stdout.write(json.dumps(run(paths)) + '\n')
    sys.stdout.flush()
