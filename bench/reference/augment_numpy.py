#!/usr/bin/python3
"""numpy/scipy reference for bench/augment.ts: the same augmentation algorithms, timed on the same clips.

Reads a JSON job from argv[1] ({"clips": [wav paths], "params": {...}, "repeats": r, "only": [names]?}) and
prints one JSON object: for each transform {"wall", "cpu"}, audio-seconds per second of wall-clock and of
process CPU time (audio length over the sum of each clip's fastest of `repeats` runs). The algorithms
are librosa's (STFT with a periodic Hann window, phase_vocoder's loop, istft with window-sum-square
normalisation) and audiomentations' written directly in numpy/scipy, since librosa is not installed.
"""
import json
import sys
import time

import numpy as np
import scipy.io.wavfile
import scipy.signal

job = json.load(open(sys.argv[1]))
P = job['params']


def load(path):
    sr, x = scipy.io.wavfile.read(path)
    if x.dtype == np.int16:
        x = x.astype(np.float32) / 32768.0
    if x.ndim > 1:
        x = x.mean(axis=1)
    return sr, x.astype(np.float32)


clips = [load(p) for p in job['clips']]
N_FFT, HOP = 2048, 512
WINDOW = scipy.signal.get_window('hann', N_FFT, fftbins=True)


def stft(y):
    yp = np.pad(y, N_FFT // 2)
    frames = 1 + (len(yp) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(frames)[:, None]
    return np.fft.rfft(yp[idx] * WINDOW, axis=1).astype(np.complex64)


def phase_vocoder(D, rate):
    time_steps = np.arange(0, D.shape[0], rate, dtype=np.float64)
    out = np.zeros((len(time_steps), D.shape[1]), dtype=D.dtype)
    phi_advance = np.linspace(0, np.pi * HOP, D.shape[1])
    phase_acc = np.angle(D[0])
    D = np.pad(D, [(0, 2), (0, 0)])
    for t, step in enumerate(time_steps):
        cols = D[int(step):int(step + 2)]
        alpha = np.mod(step, 1.0)
        mag = (1.0 - alpha) * np.abs(cols[0]) + alpha * np.abs(cols[1])
        out[t] = mag * (np.cos(phase_acc) + 1j * np.sin(phase_acc))
        dphase = np.angle(cols[1]) - np.angle(cols[0]) - phi_advance
        dphase = dphase - 2.0 * np.pi * np.round(dphase / (2.0 * np.pi))
        phase_acc += phi_advance + dphase
    return out


def istft(D, length):
    n_frames = min(D.shape[0], int(np.ceil((length + 2 * (N_FFT // 2)) / HOP)))
    frames = np.fft.irfft(D[:n_frames], n=N_FFT, axis=1) * WINDOW
    total = N_FFT + HOP * (n_frames - 1)
    y = np.zeros(total)
    wss = np.zeros(total)
    w2 = WINDOW ** 2
    for t in range(n_frames):
        y[t * HOP:t * HOP + N_FFT] += frames[t]
        wss[t * HOP:t * HOP + N_FFT] += w2
    nz = wss > np.finfo(np.float32).tiny
    y[nz] /= wss[nz]
    y = y[N_FFT // 2:]
    out = np.zeros(length, dtype=np.float32)
    n = min(length, len(y))
    out[:n] = y[:n]
    return out


def time_stretch(y, rate):
    return istft(phase_vocoder(stft(y), rate), int(round(len(y) / rate)))


def pitch_shift(y, p, q):
    z = scipy.signal.resample_poly(time_stretch(y, q / p), q, p)
    out = np.zeros(len(y), dtype=np.float32)
    out[:min(len(y), len(z))] = z[:len(y)]
    return out


def color_noise(n, beta, rng):
    if beta == 0:
        return rng.standard_normal(n)
    size = 4
    while size < n:
        size *= 2
    X = np.fft.rfft(rng.standard_normal(size))
    k = np.arange(len(X), dtype=np.float64)
    k[0] = 1
    X *= k ** (-beta / 2)
    X[0] = 0
    return np.fft.irfft(X, size)[:n]


def add_noise(y, noise, snr_db):
    g = np.sqrt(np.mean(y.astype(np.float64) ** 2) / (np.mean(noise ** 2) * 10 ** (snr_db / 10)))
    return (y + g * noise).astype(np.float32)


def room(y, sr, rt60, rng):
    pre = max(1, round(0.002 * sr))
    tail = int(np.ceil(rt60 * sr))
    h = np.zeros(pre + tail)
    h[0] = 1
    t = rng.standard_normal(tail) * np.exp(-3 * np.log(10) * np.arange(tail) / (rt60 * sr))
    h[pre:] = t * np.sqrt(1 / np.sum(t ** 2))
    h /= np.sqrt(np.sum(h ** 2))
    return scipy.signal.fftconvolve(y, h.astype(np.float32))[:len(y)].astype(np.float32)


def spec_augment(m, rng):
    m = m.copy()
    rows, cols = m.shape
    for _ in range(2):
        w = min(rng.integers(0, 28), rows)
        a = rng.integers(0, rows - w + 1)
        m[a:a + w] = 0
    for _ in range(2):
        w = min(rng.integers(0, 101), cols)
        a = rng.integers(0, cols - w + 1)
        m[:, a:a + w] = 0
    return m


def mixup(batch, rng):
    lam = rng.beta(0.2, 0.2)
    perm = rng.permutation(len(batch))
    return lam * batch + (1 - lam) * batch[perm]


rng = np.random.default_rng(0)
matrices = [np.abs(stft(y)).T.astype(np.float32)[:128] for _, y in clips]
batch_len = min(len(y) for _, y in clips)
batch = np.stack([y[:batch_len] for _, y in clips])
TRANSFORMS = {
    'pitchShift': lambda sr, y, i: pitch_shift(y, P['pitchP'], P['pitchQ']),
    'timeStretch': lambda sr, y, i: time_stretch(y, P['stretchRate']),
    'speed': lambda sr, y, i: scipy.signal.resample_poly(y, P['speedQ'], P['speedP']),
    'whiteNoise': lambda sr, y, i: add_noise(y, color_noise(len(y), 0, rng), 10),
    'pinkNoise': lambda sr, y, i: add_noise(y, color_noise(len(y), 1, rng), 10),
    'brownNoise': lambda sr, y, i: add_noise(y, color_noise(len(y), 2, rng), 10),
    'room': lambda sr, y, i: room(y, sr, P['rt60'], rng),
    'shift': lambda sr, y, i: np.roll(y, len(y) // 3),
    'gain': lambda sr, y, i: (y * np.float32(10 ** (-6 / 20))).astype(np.float32),
    'polarity': lambda sr, y, i: -y,
    'specAugment': lambda sr, y, i: spec_augment(matrices[i], rng),
}
seconds = sum(len(y) / sr for sr, y in clips)


def per_clip_best(fn, repeats):
    """Sum over clips of each clip's fastest of `repeats` runs, wall-clock and CPU seconds (each its own best)."""
    wall = cpu = 0.0
    for i, (sr, y) in enumerate(clips):
        best_wall = best_cpu = float('inf')
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            fn(sr, y, i)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_wall = min(best_wall, time.perf_counter() - t0)
        wall += best_wall
        cpu += best_cpu
    return wall, cpu


result = {}
only = job.get('only')
for name, fn in TRANSFORMS.items():
    if only and name not in only:
        continue
    per_clip_best(fn, 1)  # warm-up
    wall, cpu = per_clip_best(fn, job['repeats'])
    result[name] = {'wall': seconds / wall, 'cpu': seconds / cpu}
if not only or 'mixup' in only:
    # Once per clip on the whole batch, as bench/augment.ts times it.
    wall, cpu = per_clip_best(lambda sr, y, i: mixup(batch, rng), job['repeats'])
    batch_seconds = batch.shape[0] * batch_len / clips[0][0]
    result['mixup'] = {'wall': len(clips) * batch_seconds / wall, 'cpu': len(clips) * batch_seconds / cpu}
print(json.dumps(result))
