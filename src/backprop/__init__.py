"""Backprop from Scratch: the small NumPy library the tutorial builds.

Each module belongs to one chapter of the book:

- [`backprop.calculus`][]: numeric derivatives, partial derivatives, the chain rule (chapters 2-4);
- [`backprop.descent`][]: gradient descent fitting a line (chapter 5);
- [`backprop.twolayer`][]: the source tutorial's two-neuron network, three ways to its gradient (chapter 6);
- [`backprop.engine`][]: a scalar reverse-mode autodiff engine, ``Value`` (chapter 7);
- [`backprop.dual`][]: dual numbers, forward-mode autodiff, ``Dual`` (chapter 7);
- [`backprop.nn`][], [`backprop.gradcheck`][]: vectorized layers and a gradient checker (chapter 8);
- [`backprop.losses`][], [`backprop.optim`][]: losses and optimizers (chapter 9);
- [`backprop.datasets`][]: the seeded synthetic sets and the shipped digits (chapters 5-11);
- [`backprop.digits`][]: chapter 11's recipe, the digit classifier and its training loop.

Every module depends on NumPy and the standard library alone. The figures,
notebooks and benchmark reports that build the book live beside this package,
in ``booktools``, and are not installed with it.
"""

__version__ = "0.1.0"
