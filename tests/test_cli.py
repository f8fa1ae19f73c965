"""python -m backprop train-digits: a smoke test with one epoch."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from backprop.__main__ import main
from backprop.digits import train_digits
from tests.conftest import ROOT


def test_train_digits_one_epoch():
    result = subprocess.run(
        [sys.executable, "-m", "backprop", "train-digits", "--epochs", "1", "--seed", "3", "--progress"],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"epoch +1/1 +loss \d\.\d{4} +train +\d+\.\d% +test +\d+\.\d% +[\d.]+ ms", lines[1].strip()), lines
    assert re.fullmatch(r"test accuracy \d+\.\d%, [\d.]+ ms per epoch", lines[-1])
    accuracy = float(re.search(r"test accuracy ([\d.]+)%", lines[-1]).group(1))
    assert accuracy > 80  # one epoch already learns most digits
    assert "[##############################] 45/45 batches" in result.stderr


def test_no_progress_bar_when_asked(capsys):
    assert main(["train-digits", "--epochs", "1", "--no-progress", "--hidden", "8"]) == 0
    out, err = capsys.readouterr()
    assert "epoch   1/1" in out and err == ""


@pytest.mark.parametrize("argv, message", [
    (["train-digits", "--epochs", "0"], "argument --epochs: epochs must be a positive integer, got 0"),
    (["train-digits", "--epochs", "two"], "argument --epochs: epochs must be an integer, got 'two'"),
    (["train-digits", "--seed", "-1"], "argument --seed: seed must be a non-negative integer, got -1"),
    (["train-digits", "--lr", "-0.1"], "argument --lr: lr must be a positive number, got -0.1"),
    (["train-digits", "--lr", "nan"], "argument --lr: lr must be a finite number, got nan"),
    (["train-digits", "--lr", "fast"], "argument --lr: lr must be a number, got 'fast'"),
    (["train-digits", "--batch-size", "0"], "argument --batch-size: batch_size must be a positive integer"),
    ([], "required: command"),
])
def test_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and "_argument" not in err and "_checks" not in err


def test_a_diverging_run_ends_with_one_clean_line(capsys):
    assert main(["train-digits", "--epochs", "1", "--lr", "1e200", "--no-progress", "--hidden", "8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m backprop train-digits: error: the loss became")
    assert "try a smaller learning rate" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be a positive integer, got 0"),
    ({"seed": -1}, "seed must be a non-negative integer, got -1"),
    ({"lr": 0.0}, "lr must be a positive number, got 0.0"),
    ({"hidden": 2.5}, "hidden must be a positive integer, got float 2.5"),
    ({"batch_size": True}, "batch_size must be a positive integer, got bool True"),
])
def test_train_digits_checks_its_arguments_before_training(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        train_digits(**kwargs)
