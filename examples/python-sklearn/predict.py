"""Predicts digits with a registered model, for `lockstep run --kind inference`.

`lockstep run --model` downloads the model version's files (verified) into
LOCKSTEP_MODEL_DIR and records which version served the run; `--data` does
the same for the input rows (LOCKSTEP_DATA_<NAME>):

    lockstep run --kind inference --model models:/digits-clf@production \\
        --data incoming@latest --output predictions.csv -- python3 predict.py

The input folder holds CSV files, one digit a row: 64 pixel values (0-16),
optionally followed by the true label, which adds an `accuracy` metric.
Without --data the script predicts scikit-learn's own digits.
"""

import argparse
import glob
import json
import os
import pickle
import sys

import numpy as np
from sklearn.datasets import load_digits

PIXELS = 64


def env_name(name: str) -> str:
    """The LOCKSTEP_DATA_<NAME> variable for a dataset, as `lockstep run` spells it."""
    return "LOCKSTEP_DATA_" + "".join(c if c.isalnum() else "_" for c in name.upper())


def load_rows(folder: str) -> tuple[np.ndarray, np.ndarray | None]:
    files = sorted(glob.glob(os.path.join(folder, "**", "*.csv"), recursive=True))
    if not files:
        raise SystemExit(f"no .csv files in {folder}")
    rows = np.vstack([np.loadtxt(f, delimiter=",", ndmin=2) for f in files])
    if rows.shape[1] == PIXELS:
        return rows, None
    if rows.shape[1] == PIXELS + 1:
        return rows[:, :PIXELS], rows[:, PIXELS].astype(int)
    raise SystemExit(f"expected {PIXELS} or {PIXELS + 1} columns, got {rows.shape[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="incoming", help="the dataset name given to --data")
    parser.add_argument("--out", default="predictions.csv", help="where to write the predictions")
    args = parser.parse_args()

    model_dir = os.environ.get("LOCKSTEP_MODEL_DIR")
    if not model_dir:
        raise SystemExit("LOCKSTEP_MODEL_DIR is not set: start this with `lockstep run --model REF`")
    with open(os.path.join(model_dir, "model.pkl"), "rb") as f:
        fitted = pickle.load(f)

    data_dir = os.environ.get(env_name(args.data))
    if data_dir:
        x, y = load_rows(data_dir)
    else:
        digits = load_digits()
        x, y = digits.data, digits.target

    predicted = fitted["model"].predict(fitted["scaler"].transform(x))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("row,prediction\n")
        f.writelines(f"{i},{int(p)}\n" for i, p in enumerate(predicted))

    metrics_path = os.environ.get("LOCKSTEP_METRICS_FILE")
    out = open(metrics_path, "a", encoding="utf-8") if metrics_path else sys.stdout
    out.write(json.dumps({"key": "predictions", "value": float(len(predicted)), "step": 0}) + "\n")
    if y is not None:
        accuracy = float(np.mean(predicted == y))
        out.write(json.dumps({"key": "accuracy", "value": accuracy, "step": 0}) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
