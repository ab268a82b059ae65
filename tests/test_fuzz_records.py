"""Hostile record files: the validator and the build never crash, never hang, always explain.

Bounded for `make test` (REGISTRY_FUZZ_EXAMPLES, default 200 per target); run
`python scripts/fuzz.py` for the long run (≥ 10 000 cases per target).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registry.build.pipeline import build
from registry.config import load_settings
from registry.records import catalogue as cat
from registry.records.model import InvalidRecords
from registry.records.validate import check_text, format_problems
from tests.recordfactory import record_meta, record_text, write_record

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=3000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINE = re.compile(r"^hostile\.md:\d+: \S")

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=50), st.dates().map(str), st.sampled_from(
                        ["NO", "yes", "on", "~", "012345670", "2024-13-45", "javascript:x",
                         "\x00", "\ufeff", "é" * 500, "<script>alert(1)</script>"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=15), inner, max_size=5)),
    max_leaves=30)
keys = st.sampled_from([f.key for f in cat.FIELDS] + ["inconnu", "Nom", "transparence"])


def _check(text: str) -> None:
    result = check_text(Path("hostile.md"), text)
    for line in format_problems([result]):
        assert LINE.match(line), line
    if not result.ok:
        assert any(not p.warning for p in result.problems) or result.meta is None


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    _check(text)


@FUZZ
@given(st.text(max_size=500), st.sampled_from(["", "\ufeff", "\r\n"]))
@example("?", "")  # a null key, found by the long run
@example('" ": 1', "")
def test_random_front_matter(inner: str, prefix: str) -> None:
    _check(f"{prefix}---\n{inner}\n---\nCorps")


@FUZZ
@given(st.dictionaries(keys, values, max_size=12))
def test_valid_yaml_of_wrong_shapes(data: dict) -> None:
    try:
        front = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    _check(f"---\n{front}---\n")


@FUZZ
@given(st.data())
def test_mutated_valid_records(data: st.DataObject) -> None:
    meta = record_meta()
    for _ in range(data.draw(st.integers(1, 4))):
        key = data.draw(keys)
        if data.draw(st.booleans()):
            meta.pop(key, None)
        else:
            meta[key] = data.draw(values)
    try:
        text = record_text(meta)
    except yaml.YAMLError:
        return
    cut = data.draw(st.integers(0, len(text)))
    _check(text if data.draw(st.booleans()) else text[:cut] + data.draw(st.text(max_size=20)))


@pytest.mark.parametrize("text", [
    "---\n" + "a: " * 2000 + "\n---\n",
    "---\n" + "- " * 3000 + "x\n---\n",
    "---\nnom: " + "x" * 900_000 + "\n---\n",
    "---\nnom: " + "x" * 1_100_000 + "\n---\n",
    "---\n" + "".join(f"k{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10 if i else ["1"] * 10) + "]\n"
                      for i in range(12)) + "---\n",
])
def test_pathological_inputs(text: str) -> None:
    _check(text)


def test_build_refuses_hostile_files_and_keeps_serving(tmp_path: Path) -> None:
    data, instance = tmp_path / "data", tmp_path / "instance"
    write_record(data, "bon")
    settings_ = load_settings({"DATA": str(data), "INSTANCE": str(instance)})
    build(settings_)
    hostile = ["\x00\x01", "---\n{{{\n---\n", "---\na: &a [*a]\n---\n", "\ufeff---\r\nx: 1\r\n"]
    for i, text in enumerate(hostile):
        (data / f"hostile-{i}.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    (data / "binaire.md").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidRecords) as exc:
        build(settings_)
    assert all(re.match(r"^.+\.md:\d+: \S", line) for line in exc.value.messages)
    assert len({line.split(":")[0] for line in exc.value.messages}) == 5
