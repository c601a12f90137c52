"""One module per dataset format, each with the verbs that make sense for it:
`load_<fmt>`, `save_<fmt>`, `<fmt>_to_annotations` (or a lossless equivalent) and
`annotations_to_<fmt>`. Converters are pure; only load/save touch files."""
