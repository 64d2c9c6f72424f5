"""Formats added by other packages through the ``refconv.formats`` entry-point group.

An installed distribution is imitated by a ``*.dist-info`` folder on sys.path, which is
all importlib.metadata looks at; the cheap pre-scan must find it, and must not import
importlib.metadata when no distribution declares the group.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import converters
from converters import registry

ROOT = Path(__file__).resolve().parents[1]

PLUGIN = '''
from converters.registry import Format

FORMAT = Format("titles-only", "one title a line", (), (".titles",), writer="refconv_titles_plugin:write")


def write(records, out, report, options=None):
    count = 0
    for record in records:
        out.write((record.title.value if record.title else "") + "\\n")
        count += 1
    return count
'''


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    (tmp_path / "refconv_titles_plugin.py").write_text(PLUGIN)
    info = tmp_path / "refconv_titles_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: refconv-titles-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[refconv.formats]\ntitles-only = refconv_titles_plugin:FORMAT\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("REFCONV_NO_PLUGINS", raising=False)
    for cached in (registry.all_formats, registry.declared_options):
        cached.cache_clear()
    yield tmp_path
    sys.modules.pop("refconv_titles_plugin", None)
    for cached in (registry.all_formats, registry.declared_options):
        cached.cache_clear()


def test_an_installed_plugin_format_is_found_and_writes(installed_plugin):
    assert registry._may_have_plugins()
    assert "titles-only" in {f.name for f in registry.all_formats()}
    record = converters.Record(title=converters.Text("Plugged in"))
    assert converters.dumps([record], "titles-only") == "Plugged in\n"


def test_a_plugin_cannot_replace_a_built_in_format(installed_plugin):
    (installed_plugin / "refconv_titles_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[refconv.formats]\nris = refconv_titles_plugin:FORMAT\n")
    (installed_plugin / "refconv_titles_plugin.py").write_text(PLUGIN.replace('"titles-only"', '"ris"'))
    assert registry.get("ris").writer == ".ris:write"


def test_without_plugins_importlib_metadata_is_not_imported():
    """It costs about 35 ms of every run; the scan of entry_points.txt files rules plugins out."""
    code = ("import sys; from converters.cli import main\n"
            "try: main(['formats'])\nexcept SystemExit: pass\n"
            "print('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    if registry._may_have_plugins():
        pytest.skip("an installed distribution here declares refconv.formats")
    assert done.stdout.strip().endswith("False"), done.stdout
