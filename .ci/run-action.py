#!/usr/bin/env python3
"""Runs the steps of a composite GitHub Action (action.yml) the way a runner does, so CI can
test the action's shell steps on this machine.

    run-action.py ACTION_DIR OUTPUTS.json [--with KEY=VALUE ...] [--with-from WORKFLOW.yml]

Each `run:` step gets the environment GitHub gives it: the caller's environment (which must
carry GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_STEP_SUMMARY, RUNNER_OS, ...), GITHUB_ACTION_PATH,
a fresh GITHUB_OUTPUT file, GITHUB_PATH and GITHUB_ENV, and the step's own `env:`; it runs as
`bash --noprofile --norc -eo pipefail FILE`. Outputs, PATH additions and environment written
there reach the following steps. `${{ }}` expressions may read inputs, steps.ID.outputs,
github.action_path, runner.os, runner.arch and env; anything else is an error, so a change to
action.yml that this runner cannot follow fails the test instead of passing untested.
`uses:` steps (actions/cache) cannot run here: their inputs are evaluated, and they are
reported as skipped (a cache miss). `--with-from` takes the inputs from the step of a
workflow file that uses the action (the README's example). The action's outputs are written
to OUTPUTS.json; the exit code is the first failing step's.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(text, context):
    def lookup(match):
        path = match.group(1)
        parts = path.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return context["inputs"][parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return context["steps"].get(parts[1], {}).get(parts[3], "")
        if path == "github.action_path":
            return context["action_path"]
        if path in ("runner.os", "runner.arch"):
            return os.environ[path.replace(".", "_").upper()]
        if parts[0] == "env" and len(parts) == 2:
            return context["env"].get(parts[1], "")
        sys.exit(f"run-action.py: cannot evaluate `${{{{ {path} }}}}`")

    return EXPRESSION.sub(lookup, str(text))


def read_outputs(path):
    """name=value lines and name<<DELIMITER blocks, as the runner reads GITHUB_OUTPUT."""
    values = {}
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if line:
            name, value = line.split("=", 1)
            values[name] = value
        i += 1
    return values


def inputs_from_workflow(path, action_dir):
    """The `with:` of the first step that uses this action (by its repository name)."""
    workflow = yaml.safe_load(open(path, encoding="utf-8"))
    name = os.path.basename(os.path.abspath(action_dir))
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            uses = step.get("uses", "")
            if uses.split("@")[0].rsplit("/", 1)[-1] in (name, "walint"):
                return {k: str(v) for k, v in (step.get("with") or {}).items()}
    sys.exit(f"run-action.py: no step of {path} uses the action")


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    action_dir, outputs_file = os.path.abspath(args[0]), args[1]
    given = {}
    rest = args[2:]
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag == "--with":
            key, val = value.split("=", 1)
            given[key] = val
        elif flag == "--with-from":
            given.update(inputs_from_workflow(value, action_dir))
        else:
            sys.exit(f"run-action.py: unknown option {flag}")

    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml"), encoding="utf-8"))
    assert action["runs"]["using"] == "composite", "only composite actions"
    declared = action.get("inputs", {})
    for key in given:
        if key not in declared:
            sys.exit(f"run-action.py: the action has no input `{key}`")
    inputs = {k: given.get(k, str(v.get("default", ""))) for k, v in declared.items()}
    context = {"inputs": inputs, "steps": {}, "action_path": action_dir, "env": {}}

    work = tempfile.mkdtemp(prefix="run-action-")
    path_file = os.path.join(work, "path")
    env_file = os.path.join(work, "env")
    open(path_file, "w").close()
    open(env_file, "w").close()
    extra_path, extra_env = [], {}
    status = 0
    for number, step in enumerate(action["runs"]["steps"]):
        label = step.get("id", f"step {number}")
        if "if" in step:
            sys.exit(f"run-action.py: {label}: `if:` is not supported here")
        if "uses" in step:
            with_ = {k: evaluate(v, context) for k, v in (step.get("with") or {}).items()}
            print(f"run-action.py: {label}: skipped `uses: {step['uses']}` {json.dumps(with_)}")
            continue
        assert step.get("shell") == "bash", f"{label}: only bash steps"
        script = os.path.join(work, f"step-{number}.sh")
        open(script, "w", encoding="utf-8").write(evaluate(step["run"], context))
        output_file = os.path.join(work, f"output-{number}")
        open(output_file, "w").close()
        env = dict(os.environ)
        env.update(extra_env)
        env["PATH"] = os.pathsep.join(extra_path[::-1] + [env["PATH"]])
        env.update(
            GITHUB_ACTION_PATH=action_dir,
            GITHUB_OUTPUT=output_file,
            GITHUB_PATH=path_file,
            GITHUB_ENV=env_file,
        )
        for key, value in (step.get("env") or {}).items():
            env[key] = evaluate(value, context)
        print(f"run-action.py: {label}: {step['run'].strip()}", flush=True)
        status = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script], env=env
        ).returncode
        if "id" in step:
            context["steps"][step["id"]] = read_outputs(output_file)
        extra_path = [p for p in open(path_file, encoding="utf-8").read().splitlines() if p]
        extra_env = read_outputs(env_file)
        context["env"] = extra_env
        if status != 0:
            print(f"run-action.py: {label}: exit {status}; the remaining steps do not run")
            break
    outputs = {
        k: evaluate(v.get("value", ""), context) for k, v in action.get("outputs", {}).items()
    }
    json.dump(outputs, open(outputs_file, "w"), indent=2, sort_keys=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
