"""Trains a linear classifier on scikit-learn's digits, for `lockstep run`.

Everything random comes from the run's root seed (LOCKSTEP_SEED) through
Lockstep's derived seeds, so the same seed gives bit-identical metrics:

    lockstep run --experiment digits --seed 7 --param epochs=8 \
        --output model-summary.json -- python3 train.py --out model-summary.json

With --model-dir DIR it also pickles the fitted scaler and classifier to
DIR/model.pkl, which `--output DIR` uploads for `lockstep models register`
and which predict.py loads.

Metrics go to $LOCKSTEP_METRICS_FILE, one JSON object a line; without it
(run on its own) they are printed.
"""

import argparse
import hashlib
import json
import os
import pickle
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def derive_seed(root: int, label: str) -> int:
    """Lockstep's derived seed (lockstep-seed-v1) for `label` under `root`; see docs/seeds.md."""
    if not isinstance(root, int) or not 0 <= root <= 0xFFFFFFFF:
        raise ValueError("root seed must be an integer from 0 to 4294967295")
    message = f"lockstep-seed-v1\0{root}\0{label}".encode("utf-8")
    return int.from_bytes(hashlib.sha256(message).digest()[:4], "big")


def read_params() -> dict:
    """--param K=V values arrive as strings in LOCKSTEP_PARAMS (JSON)."""
    raw = json.loads(os.environ.get("LOCKSTEP_PARAMS") or "{}")
    if not isinstance(raw, dict):
        raise SystemExit("LOCKSTEP_PARAMS must be a JSON object")
    return {
        "epochs": int(raw.get("epochs", 8)),
        "alpha": float(raw.get("alpha", 1e-4)),
        "test_size": float(raw.get("test_size", 0.25)),
    }


class MetricsWriter:
    def __init__(self) -> None:
        path = os.environ.get("LOCKSTEP_METRICS_FILE")
        # Line-buffered, so `lockstep run` sees each metric as it is written.
        self.out = open(path, "a", buffering=1, encoding="utf-8") if path else sys.stdout

    def log(self, key: str, value: float, step: int) -> None:
        # repr-exact floats: json writes the shortest string that round-trips.
        self.out.write(json.dumps({"key": key, "value": float(value), "step": step}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="model-summary.json", help="where to write the model summary")
    parser.add_argument("--model-dir", help="a folder to write the fitted model into (model.pkl)")
    args = parser.parse_args()

    seed_text = os.environ.get("LOCKSTEP_SEED")
    if seed_text is None:
        raise SystemExit("LOCKSTEP_SEED is not set: start this script with `lockstep run --seed N -- ...`")
    root = int(seed_text)
    params = read_params()
    metrics = MetricsWriter()

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data,
        digits.target,
        test_size=params["test_size"],
        random_state=derive_seed(root, "data-split"),
        stratify=digits.target,
    )
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)

    classes = np.unique(digits.target)
    model = SGDClassifier(
        loss="log_loss",
        alpha=params["alpha"],
        random_state=derive_seed(root, "model"),
        shuffle=False,
    )
    # Each epoch visits the training set in an order drawn from the run's seed.
    order_rng = np.random.default_rng(derive_seed(root, "epoch-order"))
    for epoch in range(params["epochs"]):
        order = order_rng.permutation(len(x_train))
        model.partial_fit(x_train[order], y_train[order], classes=classes)
        metrics.log("train_loss", log_loss(y_train, model.predict_proba(x_train), labels=classes), epoch)
        metrics.log("train_accuracy", accuracy_score(y_train, model.predict(x_train)), epoch)
        metrics.log("test_accuracy", accuracy_score(y_test, model.predict(x_test)), epoch)

    summary = {
        "model": "SGDClassifier(loss=log_loss)",
        "dataset": "sklearn.datasets.load_digits",
        "seed": root,
        "params": params,
        "train_size": int(len(x_train)),
        "test_size": int(len(x_test)),
        "test_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
        "coef_sha256": hashlib.sha256(np.ascontiguousarray(model.coef_).tobytes()).hexdigest(),
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    if args.model_dir:
        os.makedirs(args.model_dir, exist_ok=True)
        with open(os.path.join(args.model_dir, "model.pkl"), "wb") as f:
            pickle.dump({"scaler": scaler, "model": model}, f)


if __name__ == "__main__":
    main()
