"""Make/model recogniser: data layouts, augmentation, training (PyTorch), calibration, export.

Only ``backbone``, ``train``, ``mine`` and ``export`` import torch; ``labels``, ``preprocess``,
``data``, ``augment``, ``calibrate`` and ``card`` are numpy/OpenCV and are shared with the
onnxruntime inference in :mod:`twinflash.flash.recognise`.
"""
