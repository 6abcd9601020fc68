"""Transformers for classifying astrophysical transients from multi-band light curves (LSST/PLAsTiCC)."""
__version__ = "0.1.0"

# Keras and its backend first, with the backend's start-up log lines kept instead of printed (see `cli`).
from .cli import quiet_backend_import
quiet_backend_import()

# The modules that define Keras layers, models, losses and schedules: importing them registers every class
# with `keras.saving`, so that `import lc_transformer` is enough to reload any saved model. None of them imports
# the package's plotting modules or seaborn.
from . import transformer, losses, rnn, classifiers, token_transformer
