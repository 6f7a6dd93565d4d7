"""bench/bench_render.py and bench/run_all.py: the pure helpers on fake numbers, the
command lines against the real CLIs' options, and the memory sampler on one child process.
Nothing here renders a report or asserts a time."""
from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_render as br  # noqa: E402
import run_all  # noqa: E402


def figures(wall: float, *, cpu: float = 1.0, peak: float = 100.0, html: int = 1000) -> dict:
    return br.method_figures(reports=10, wall_s=wall * 10, cpu_s=cpu * 10, peaks_mb={"p": peak},
                             peak_tree_mb=peak * 2, html_bytes=[html] * 10)


def repeat(naive: float, floor: float, cold: float, warm: float, **kw) -> dict:
    row = {"naive": figures(naive, **kw), "floor": figures(floor, **kw),
           "ours_cold": figures(cold, **kw), "ours_warm": figures(warm, **kw)}
    row["ratios"] = br.paired_ratios(row)
    return row


def test_ratios_are_paired_within_a_repeat_then_medianed():
    # Repeat 1 is slow all round, repeat 2 fast, repeat 3 in between: the pairing keeps
    # each repeat's ratio, which the medians of the raw figures would not give.
    repeats = [repeat(8.0, 0.5, 1.0, 0.05), repeat(2.0, 0.25, 0.5, 0.1), repeat(6.0, 0.4, 2.0, 0.1)]
    assert [r["ratios"]["naive_over_ours_cold"] for r in repeats] == [8.0, 4.0, 3.0]
    medians, ratios = br.summarize(repeats)
    assert {k: v for k, v in ratios.items() if not k.endswith("_cpu")} == {
        "naive_over_ours_cold": 4.0, "ours_cold_over_floor": 2.0, "ours_warm_over_cold": 0.05}
    assert ratios["naive_over_ours_cold_cpu"] == 1.0  # every method used 1 CPU-s per report
    # unpaired: median naive 6.0 / median cold 1.0 = 6.0, not the paired 4.0
    assert medians["naive"]["wall_per_report_s"] / medians["ours_cold"]["wall_per_report_s"] == 6.0


def test_method_figures_per_report():
    f = br.method_figures(reports=4, wall_s=10.0, cpu_s=6.0, peaks_mb={"k1": 300.0, "k2": 900.0, "w": 50.0},
                          peak_tree_mb=1250.0, html_bytes=[4, 1, 3, 2], failed=["x: boom"], extra={"exit_code": 1})
    assert (f["wall_per_report_s"], f["cpu_per_report_s"]) == (2.5, 1.5)
    assert f["peak_process_mb"] == 900.0
    assert f["html_median_bytes"] == 2.5
    assert list(f["top_processes_mb"]) == ["k2", "k1", "w"]
    assert f["failed"] == ["x: boom"] and f["exit_code"] == 1


def test_missing_method_gives_no_ratio_and_no_median():
    row = repeat(8.0, 0.5, 1.0, 0.05)
    row["floor"] = None
    row["ratios"] = br.paired_ratios(row)
    assert row["ratios"]["ours_cold_over_floor"] is None
    medians, ratios = br.summarize([row])
    assert medians["floor"]["wall_per_report_s"] is None
    assert ratios["naive_over_ours_cold"] == 8.0


@pytest.mark.parametrize(
    "naive, floor, cold, warm, peak, expected",
    [
        (5.0, 0.5, 1.0, 0.099, 1023.0, ["PASS", "PASS", "PASS", "PASS"]),  # every bound just met
        (4.9, 0.49, 1.0, 0.1, 1024.0, ["MISS", "MISS", "MISS", "MISS"]),  # every bound just missed
    ],
)
def test_targets_at_their_bounds(naive, floor, cold, warm, peak, expected):
    row = repeat(naive, floor, cold, warm, peak=peak)
    medians, ratios = br.summarize([row])
    assert [t["status"] for t in br.judge(medians, ratios)] == expected


def test_result_document_is_strict_json_with_every_part():
    repeats = [repeat(8.0, 0.5, 1.0, 0.05), repeat(6.0, 0.5, 1.5, 0.05)]
    doc = br.result_document(parameters={"n": 10}, machine={"cores_logical": 2}, store={"cached": True},
                             repeats=repeats)
    back = json.loads(json.dumps(doc, allow_nan=False))
    assert back["bench"] == "render" and len(back["repeats"]) == 2
    assert set(back["medians"]) == set(br.METHODS)
    for method in br.METHODS:
        assert set(back["medians"][method]) == set(br.SUMMARY_KEYS)
    assert set(back["ratios"]) == set(br.RATIOS) | {f"{name}_cpu" for name in br.RATIOS}
    assert [t["figure"] for t in back["targets"]] == [t[1] for t in br.TARGETS]
    assert {t["status"] for t in back["targets"]} <= {"PASS", "MISS", "n/a"}
    assert back["ratios"]["naive_over_ours_cold"] == 6.0  # median of 8.0/1.0 and 6.0/1.5


@given(st.lists(st.floats(0.01, 100.0), min_size=4, max_size=4), st.floats(0.1, 10.0))
def test_ratios_do_not_depend_on_the_unit(walls, scale):
    one = br.paired_ratios(repeat(*walls))
    scaled = br.paired_ratios(repeat(*(w * scale for w in walls)))
    for name in br.RATIOS:
        assert math.isclose(one[name], scaled[name], rel_tol=1e-9)
        assert one[f"{name}_cpu"] == 1.0  # every method used 1 CPU-s per report


def test_papermill_args_read_back_as_papermill_reads_them():
    from papermill.cli import _resolve_type

    params = {"client_id": "0042", "period_start": "2026-07-01", "min_n": 30, "level": 0.95, "flag": True}
    args = br.papermill_args(params)
    read = {}
    for flag, name, text in zip(args[::3], args[1::3], args[2::3], strict=True):
        read[name] = text if flag == "-r" else _resolve_type(text)
    assert read == params


def test_render_command_uses_only_options_the_cli_has():
    import typer

    from nps_helpers.cli import app

    render = typer.main.get_command(app).commands["render"]
    known = {opt for p in render.params for opt in p.opts}
    cmd = br.render_command(["a", "b"], out=Path("/o"), store=Path("/s"), params=Path("/p"), workers=2,
                            force=True)
    assert cmd[1] == "render"
    assert {a for a in cmd[2:] if a.startswith("--")} <= known
    assert cmd.count("--client") == 2 and "--force" in cmd
    assert "--force" not in br.render_command(["a"], out=Path("/o"), store=Path("/s"), params=Path("/p"),
                                              workers=1, force=False)


def test_with_internal_copies_and_leaves_the_input_alone():
    values = {"a": {"client_id": "a", "internal_dir": ""}, "b": {"client_id": "b"}}
    out = br.with_internal(values, Path("/x"))
    assert out["a"]["internal_dir"] == "/x/a" and "internal_dir" not in out["b"]
    assert values["a"]["internal_dir"] == ""


def test_median_ignores_missing_values():
    assert br.median([5.0, None, 1.0]) == 3.0
    assert br.median([]) is None
    assert br.ratio(None, 1.0) is None and br.ratio(1.0, -1.0) is None


def test_monitor_sees_a_child_process_peak():
    # The child holds 200 MB until the sampler has seen it (or 30 s, on a very busy machine).
    code = ("import sys, time; x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096]); "
            "print('ready', flush=True); time.sleep(30)")
    with br.Monitor() as monitor:
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while max(monitor.peaks_by_label().values(), default=0) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        child.kill()
        child.wait()
        child.stdout.close()
    peaks = monitor.peaks_by_label()
    assert max(peaks.values()) >= 200
    assert any(label.startswith("python") for label in peaks)
    assert round(monitor.peak_tree_mb, 1) >= max(peaks.values())  # peaks are rounded to 0.1 MB


def test_run_all_finds_the_bench_scripts():
    names = [p.name for p in run_all.bench_scripts()]
    assert "bench_render.py" in names and names == sorted(names)
    assert all(n.startswith("bench_") and n.endswith(".py") for n in names)
    assert [p.name for p in run_all.bench_scripts(only=["render"])] == ["bench_render.py"]
