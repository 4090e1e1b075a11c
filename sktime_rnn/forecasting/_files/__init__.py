"""The file codec: a fitted forecaster as a signed safetensors file, and back.

``_document`` writes and reads the file (class, hyper-parameters, cutoff,
horizon, versions); ``_state_codec`` turns a fitted state into tensors and
JSON metadata and checks every field it reads back; ``_v1`` upgrades files of
format version 1.
"""
