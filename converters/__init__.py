"""refconv: convert bibliographic records between formats.

    >>> import converters
    >>> result = converters.load("listing.txt")          # format guessed
    >>> text = converters.dumps(result, "csl-json")
    >>> result.diagnostics                               # problems as values
    >>> converters.dumps(result, "ris", ris_type="JOUR")  # a format's options as keywords

Every reader produces the canonical ``Record``; every writer consumes it.
"""

__version__ = "0.1.0"  # the one place the version is set; pyproject.toml reads it from here

# Public names load on first use (PEP 562), so `refconv --version` and other quick
# commands do not pay for the whole library.
_EXPORTS = {
    "Conversion": "api", "Result": "api", "convert": "api", "dump": "api", "dumps": "api",
    "iter_load": "api", "load": "api", "loads": "api",
    "BatchConversion": "batch", "InputResult": "batch", "convert_files": "batch",
    "ConversionError": "diagnostics", "Diagnostic": "diagnostics", "Severity": "diagnostics",
    "UsageError": "diagnostics",
    "Extra": "extras", "Kind": "extras",
    "Date": "model", "Identifiers": "model", "Name": "model", "Record": "model", "Syntax": "model", "Text": "model",
    "Options": "options",
    "Format": "registry", "Option": "registry", "all_formats": "registry",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'converters' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "BatchConversion",
    "Conversion",
    "ConversionError",
    "Date",
    "Diagnostic",
    "Extra",
    "Format",
    "Identifiers",
    "InputResult",
    "Kind",
    "Name",
    "Option",
    "Options",
    "Record",
    "Result",
    "Severity",
    "Syntax",
    "Text",
    "UsageError",
    "all_formats",
    "convert",
    "convert_files",
    "dump",
    "dumps",
    "iter_load",
    "load",
    "loads",
]
