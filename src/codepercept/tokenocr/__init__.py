"""codepercept.tokenocr — TokenOCR, a token-level visual foundation model (needs torch).

Modules: ``model`` (ViT + 4x upsampler + MLP head, dynamic tiling), ``target`` (the frozen
embedding table), ``losses``, ``data`` (TokenIT / synthetic samples, crop batches), ``train``,
``checkpoint``, ``infer`` (similarity maps), ``evaluate``, ``cli`` (the ``tokenocr`` sub-app).
Import the submodules directly; this package module imports nothing heavy.
"""
