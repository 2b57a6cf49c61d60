"""PyTorch reference for bench/train-step: the seed-000 … seed-003, best and best-cnn2d models of lib/models, timed
per Adam training step and per predict, batch 32, on the CPU with a fixed thread count.

Run by bench/train-step.ts with Debian's /usr/bin/python3 (python3-torch); prints one JSON object:
{"torch": version, "threads": n, "seed000": {"train_ms": .., "predict_ms": ..}, "seed001": {...}}.
Layouts follow the tfjs models: inputs are [batch, time, features]; Conv1d sees [batch, features, time];
Conv2d sees [batch, 1, time, mel bands].
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


class Seed000(nn.Module):
    """Conv1D 64 k5 → Conv1D 128 k5 → MaxPool 2 → BiLSTM 64 → additive attention → Dense 64 → Dropout → Dense."""

    def __init__(self, features=40, n_classes=7, c1=64, c2=128, k=5, pool=2, units=64, att=64, dense=64, dropout=0.3):
        super().__init__()
        self.conv1 = nn.Conv1d(features, c1, k, padding=k // 2)
        self.conv2 = nn.Conv1d(c1, c2, k, padding=k // 2)
        self.pool = nn.MaxPool1d(pool)
        self.lstm = nn.LSTM(c2, units, batch_first=True, bidirectional=True)
        self.att_w = nn.Linear(2 * units, att)
        self.att_v = nn.Linear(att, 1, bias=False)
        self.dense = nn.Linear(2 * units, dense)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(dense, n_classes)

    def forward(self, x):  # x: [B, T, F]
        h = torch.relu(self.conv1(x.transpose(1, 2)))
        h = torch.relu(self.conv2(h))
        h = self.pool(h).transpose(1, 2)
        h, _ = self.lstm(h)
        alpha = torch.softmax(self.att_v(torch.tanh(self.att_w(h))).squeeze(-1), dim=1)
        ctx = (h * alpha.unsqueeze(-1)).sum(1)
        return self.out(self.drop(torch.relu(self.dense(ctx))))


class Seed001(nn.Module):
    """4 × (Conv1D k5 → MaxPool 2 → Dropout) → Flatten → Dense 256 → Dropout → Dense."""

    def __init__(self, time=87, mels=128, n_classes=7, filters=(64, 128, 128, 128), k=5, pool=2, dense=256):
        super().__init__()
        layers, cin, t = [], mels, time
        for f in filters:
            layers += [nn.Conv1d(cin, f, k, padding=k // 2), nn.ReLU(), nn.MaxPool1d(pool), nn.Dropout(0.25)]
            cin, t = f, t // pool
        self.convs = nn.Sequential(*layers)
        self.dense = nn.Linear(cin * t, dense)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(dense, n_classes)

    def forward(self, x):  # x: [B, T, M]
        h = self.convs(x.transpose(1, 2)).transpose(1, 2).flatten(1)  # time-major flatten, as tfjs
        return self.out(self.drop(torch.relu(self.dense(h))))


def conv_bn_blocks(cin, filters, k, pool, dropout):
    """lib/models/seed002 convBlock: Conv1D (no bias) → BatchNorm (Keras eps 1e-3, momentum 0.99) → ReLU → MaxPool
    → Dropout, per filter count."""
    layers = []
    for f in filters:
        layers += [nn.Conv1d(cin, f, k, padding=k // 2, bias=False), nn.BatchNorm1d(f, eps=1e-3, momentum=0.01),
                   nn.ReLU(), nn.MaxPool1d(pool), nn.Dropout(dropout)]
        cin = f
    return nn.Sequential(*layers), cin


class ConvBnGap(nn.Module):
    """seed-002 and best: conv-BN blocks → global average over time → Dense → Dropout → Dense."""

    def __init__(self, features, filters, dropout, dense=128, n_classes=7, k=5, pool=2):
        super().__init__()
        self.convs, cin = conv_bn_blocks(features, filters, k, pool, dropout)
        self.dense = nn.Linear(cin, dense)
        self.drop = nn.Dropout(0.4)
        self.out = nn.Linear(dense, n_classes)

    def forward(self, x):  # x: [B, T, F]
        h = self.convs(x.transpose(1, 2)).mean(2)
        return self.out(self.drop(torch.relu(self.dense(h))))


class Seed003(nn.Module):
    """2 conv-BN blocks (64, 128) → LSTM 128 (last output) → Dense 64 → Dropout → Dense."""

    def __init__(self, features=42, n_classes=7, filters=(64, 128), units=128, dense=64):
        super().__init__()
        self.convs, cin = conv_bn_blocks(features, filters, 5, 2, 0.2)
        self.lstm = nn.LSTM(cin, units, batch_first=True)
        self.dense = nn.Linear(units, dense)
        self.drop = nn.Dropout(0.4)
        self.out = nn.Linear(dense, n_classes)

    def forward(self, x):  # x: [B, T, F]
        h, _ = self.lstm(self.convs(x.transpose(1, 2)).transpose(1, 2))
        return self.out(self.drop(torch.relu(self.dense(h[:, -1]))))


class Cnn2d(nn.Module):
    """best-cnn2d: Gaussian noise → 4 × (Conv2D 3×3 no bias → BatchNorm → ReLU → MaxPool 2×2 → Dropout)
    → global average pooling → Dense 64 → Dropout → Dense."""

    def __init__(self, n_classes=7, filters=(16, 32, 64, 64), k=3, pool=2, dense=64, noise=0.1):
        super().__init__()
        layers, cin = [], 1
        for f in filters:
            layers += [nn.Conv2d(cin, f, k, padding=k // 2, bias=False), nn.BatchNorm2d(f, eps=1e-3, momentum=0.1), nn.ReLU(),
                       nn.MaxPool2d(pool), nn.Dropout(0.1)]
            cin = f
        self.convs = nn.Sequential(*layers)
        self.noise = noise
        self.dense = nn.Linear(cin, dense)
        self.drop = nn.Dropout(0.4)
        self.out = nn.Linear(dense, n_classes)

    def forward(self, x):  # x: [B, T, M]
        h = x.unsqueeze(1)
        if self.training and self.noise > 0:
            h = h + self.noise * torch.randn_like(h)
        h = self.convs(h).mean(dim=(2, 3))
        return self.out(self.drop(torch.relu(self.dense(h))))


def time_model(model, shape, batch, steps, warmup, predict_steps):
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 7, (batch,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def median_ms(f, n=steps):
        # Median wall and process CPU ms per call: robust to other processes sharing the CPU.
        wall, cpu = [], []
        for _ in range(n):
            t0, c0 = time.perf_counter(), time.process_time()
            f()
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        return statistics.median(wall), statistics.median(cpu)

    model.train()
    for _ in range(warmup):
        step()
    train_ms, train_cpu_ms = median_ms(step)
    model.eval()
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        predict_ms, predict_cpu_ms = median_ms(lambda: model(x), predict_steps)
    return {"train_ms": train_ms, "predict_ms": predict_ms, "train_cpu_ms": train_cpu_ms, "predict_cpu_ms": predict_cpu_ms}


# name → (constructor, input shape [time, features]), as bench/train-step builds them.
MODELS = {
    "seed000": (Seed000, (128, 40)),
    "seed001": (Seed001, (87, 128)),
    "seed002": (lambda: ConvBnGap(42, (64, 128, 128), 0.25), (128, 42)),
    "seed003": (Seed003, (128, 42)),
    "best": (lambda: ConvBnGap(128, (64, 128, 128), 0.2), (87, 128)),
    "best-cnn2d": (Cnn2d, (87, 64)),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--predict-steps", type=int, default=None, help="timed predicts (default: --steps)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--model", choices=[*MODELS, "all"], default="all")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for name, (build, shape) in MODELS.items():
        if args.model in (name, "all"):
            out[name] = time_model(build(), shape, args.batch, args.steps, args.warmup, args.predict_steps or args.steps)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
