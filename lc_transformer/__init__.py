"""Transformers for classifying astrophysical transients from multi-band light curves (LSST/PLAsTiCC)."""
__version__ = "0.1.0"

# Keras is not imported here: the data modules and the tools that only read, simulate or prepare data (and the Dask
# workers that prepare it) start without TensorFlow. The modules that use Keras import it quietly (`cli`).

def load_model(path, **kwargs):
    "`keras.saving.load_model(path, **kwargs)` with every layer and model of the package registered: any saved `.keras` model of it."
    from . import transformer, losses, rnn, classifiers, token_transformer
    import keras
    return keras.saving.load_model(path, **kwargs)
