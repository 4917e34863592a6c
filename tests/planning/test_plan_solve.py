"""``pishkhan plan_solve``: the JSON contract end to end, and a one-line refusal of every bad instance."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

GOOD = {
    "model": "mclp",
    "radius_km": 10.0,
    "p": 1,
    "demand": [
        {"id": "tehran-1", "lat": 35.70, "lon": 51.40, "weight": 100},
        {"id": "tehran-2", "lat": 35.71, "lon": 51.41, "weight": 40},
        {"id": "karaj", "lat": 35.84, "lon": 50.97, "weight": 60},
    ],
    "sites": [
        {"id": "a", "lat": 35.705, "lon": 51.405, "existing": False},
        {"id": "b", "lat": 35.84, "lon": 50.98, "existing": False},
        {"id": "c", "lat": 36.5, "lon": 52.0},
    ],
}


def _write(tmp_path, data, name="instance.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _solve(path, *args):
    out = io.StringIO()
    call_command("plan_solve", str(path), *args, stdout=out)
    return out.getvalue()


def _with(**changes):
    data = json.loads(json.dumps(GOOD))
    data.update(changes)
    return data


def test_prints_the_result_in_the_contract(tmp_path):
    result = json.loads(_solve(_write(tmp_path, GOOD)))

    assert result["model"] == "mclp"
    assert result["status"] == "optimal"
    assert result["objective"] == 140.0
    assert result["bound"] == 140.0
    assert result["gap"] == 0.0
    assert result["chosen"] == ["a"]
    assert result["seconds"] >= 0


@pytest.mark.parametrize(
    ("changes", "objective", "chosen"),
    [
        ({"model": "lscp"}, 2.0, ["a", "b"]),
        ({"model": "pmedian", "p": 2}, None, ["a", "b"]),
    ],
)
def test_lscp_and_pmedian_answer_the_same_contract(tmp_path, changes, objective, chosen):
    result = json.loads(_solve(_write(tmp_path, _with(**changes))))

    assert result["model"] == changes["model"]
    assert result["status"] == "optimal"
    assert result["chosen"] == chosen
    if objective is not None:
        assert result["objective"] == objective
    else:
        assert 0 < result["objective"] == pytest.approx(result["bound"])


def test_writes_the_result_to_out_and_nothing_to_stdout(tmp_path):
    out = tmp_path / "result.json"

    printed = _solve(_write(tmp_path, GOOD), "--out", str(out))

    assert printed == ""
    assert json.loads(out.read_text(encoding="utf-8"))["chosen"] == ["a"]


def test_time_limit_zero_gives_the_greedy_answer(tmp_path):
    result = json.loads(_solve(_write(tmp_path, GOOD), "--time-limit", "0"))

    # Here the greedy proves itself (its bound meets its objective), so it is optimal all the same.
    assert result["status"] in {"greedy", "optimal"}
    assert result["objective"] <= result["bound"]


def _demand(**fields):
    item = {"id": "x", "lat": 35.0, "lon": 51.0, "weight": 1}
    item.update(fields)
    return [*GOOD["demand"], item]


BAD = {
    "no demand": (_with(demand=[]), "demand: no demand points"),
    "no sites": (_with(sites=[]), "sites: no sites"),
    "unknown model": (_with(model="pcenter"), "model: unknown model 'pcenter'"),
    "p larger than the candidates (mclp)": (
        _with(p=4),
        "p: 4 new sites asked for, but there are only 3 candidate sites",
    ),
    "p larger than the sites (pmedian)": (
        _with(model="pmedian", p=4),
        "p: 4 sites asked for, but there are only 3 sites",
    ),
    "p smaller than the existing sites (pmedian)": (
        _with(model="pmedian", p=0, sites=[{**s, "existing": True} for s in GOOD["sites"]]),
        "p: 0 sites in total, but 3 existing sites are open already",
    ),
    "negative p": (_with(p=-1), "p: expected a whole number of sites, got -1"),
    "p not a whole number": (_with(p=1.5), "p: expected a whole number of sites, got 1.5"),
    "latitude out of range": (_with(demand=_demand(lat=91)), "demand[3].lat: 91 is above 90"),
    "longitude out of range": (_with(demand=_demand(lon=-180.5)), "demand[3].lon: -180.5 is below -180"),
    "site latitude out of range": (
        _with(sites=[*GOOD["sites"], {"id": "z", "lat": -90.1, "lon": 0}]),
        "sites[3].lat: -90.1 is below -90",
    ),
    "duplicate demand id": (_with(demand=_demand(id="karaj")), "demand[3].id: duplicate id 'karaj'"),
    "duplicate site id": (
        _with(sites=[*GOOD["sites"], {"id": "a", "lat": 35.0, "lon": 51.0}]),
        "sites[3].id: duplicate id 'a'",
    ),
    "negative weight": (_with(demand=_demand(weight=-1)), "demand[3].weight: -1 is below 0"),
    "weight not a number": (
        _with(demand=_demand(weight="many")),
        "demand[3].weight: expected a number, got str",
    ),
    "missing model": ({k: v for k, v in GOOD.items() if k != "model"}, "instance: missing field 'model'"),
    "missing radius": (
        {k: v for k, v in GOOD.items() if k != "radius_km"},
        "instance: missing field 'radius_km'",
    ),
    "missing p": ({k: v for k, v in GOOD.items() if k != "p"}, "instance: missing field 'p'"),
    "missing demand": ({k: v for k, v in GOOD.items() if k != "demand"}, "instance: missing field 'demand'"),
    "missing latitude": (
        _with(demand=[{"id": "x", "lon": 51.0, "weight": 1}]),
        "demand[0]: missing field 'lat'",
    ),
    "demand not a list": (_with(demand={"id": "x"}), "demand: expected a list, got dict"),
    "not an object": ([1, 2], "instance: expected a JSON object, got list"),
    "existing not a boolean": (
        _with(sites=[{**GOOD["sites"][0], "existing": "yes"}]),
        "sites[0].existing: expected true or false, got 'yes'",
    ),
    "malformed JSON": (
        '{"model": "mclp", ',
        "not valid JSON: Expecting property name enclosed in double quotes",
    ),
    "LSCP nobody can cover": (
        _with(model="lscp", radius_km=0.1),
        "are within 0.1 km of no site, so no choice of sites covers everyone",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_instance_is_refused_with_one_clear_line(tmp_path, case):
    data, message = BAD[case]
    out = tmp_path / "result.json"

    with pytest.raises(CommandError) as refused:
        _solve(_write(tmp_path, data), "--out", str(out))

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not out.exists()


def test_a_missing_file_and_a_bad_time_limit_are_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _solve(tmp_path / "nowhere.json")
    with pytest.raises(CommandError, match="--time-limit: expected a number of seconds"):
        _solve(_write(tmp_path, GOOD), "--time-limit", "-1")


def _run(*args, cwd):
    # An integrator's shell: no configuration at all; the optimiser touches no data.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PISHKHAN_", "DJANGO_", "XDG_"))}
    env.pop("DATABASE_URL", None)
    env["HOME"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "pishkhan", "plan_solve", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_console_script_solves_without_any_configuration(tmp_path):
    path = _write(tmp_path, GOOD)

    done = _run(str(path), "--out", str(tmp_path / "result.json"), "--time-limit", "5", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))["objective"] == 140.0
    written = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"instance.json", "result.json"}


def test_the_console_script_refuses_a_bad_instance_on_one_stderr_line(tmp_path):
    done = _run(str(_write(tmp_path, _with(model="pcenter"))), cwd=tmp_path)

    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert "model: unknown model 'pcenter'" in done.stderr
