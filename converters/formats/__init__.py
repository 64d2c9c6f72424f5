"""One module per format, each with ``detect``, ``read`` and/or ``write``.

Reader: ``read(stream, report, options) -> Iterator[Record]`` (errors go to ``report``).
Writer: ``write(records, out, report, options) -> int`` (records written).
"""
