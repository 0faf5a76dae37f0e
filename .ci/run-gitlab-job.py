#!/usr/bin/env python3
"""Runs one job of a .gitlab-ci.yml the way GitLab's shell runner does, so CI can test
walint's GitLab template and the README's snippet that includes it.

    run-gitlab-job.py PROJECT_DIR CI_FILE JOB [--in-container IMAGE]

`include: - local:` files are read from PROJECT_DIR and merged into the file's jobs key by key
(hashes deeply, as GitLab merges them; a local job's keys win). The job's variables (then the
caller's environment, as project CI/CD variables would) and CI_PROJECT_DIR are exported;
`before_script` and `script` run as one `sh` script that stops at the first failing line, in
PROJECT_DIR. With --in-container the script runs in IMAGE with podman (entrypoint
overridden, PROJECT_DIR mounted at the same path, the image's own user), as the docker
executor runs it (which clones with umask 0000 so that such a user can write); the job's
own `image:` is then printed, not pulled. Afterwards each `artifacts:reports` file must exist
(the runner would upload it); the exit code is the script's.
"""

import os
import shlex
import subprocess
import sys

import yaml


def merge(base, local):
    out = dict(base)
    for key, value in local.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def main():
    args = sys.argv[1:]
    if len(args) not in (3, 5):
        sys.exit(__doc__)
    project, ci_file, job_name = os.path.abspath(args[0]), args[1], args[2]
    image = args[4] if len(args) == 5 and args[3] == "--in-container" else None
    if len(args) == 5 and image is None:
        sys.exit(__doc__)
    document = yaml.safe_load(open(ci_file, encoding="utf-8")) or {}
    merged = {}
    includes = document.pop("include", [])
    for include in includes if isinstance(includes, list) else [includes]:
        path = include["local"] if isinstance(include, dict) else include
        included = yaml.safe_load(open(os.path.join(project, path.lstrip("/")), encoding="utf-8"))
        merged = merge(merged, included)
    merged = merge(merged, document)
    if job_name not in merged:
        sys.exit(f"run-gitlab-job.py: no job `{job_name}` in {ci_file} and its includes")
    job = merged[job_name]
    for key in ("script", "artifacts"):
        if key not in job:
            sys.exit(f"run-gitlab-job.py: job `{job_name}` has no `{key}`")

    variables = {k: str(v) for k, v in (job.get("variables") or {}).items()}
    for key in variables:
        if key in os.environ:
            variables[key] = os.environ[key]
    variables["CI_PROJECT_DIR"] = project
    variables["CI_JOB_NAME"] = job_name
    lines = list(job.get("before_script", [])) + list(job["script"])
    # GitLab prints each line before running it and stops at the first that fails.
    script = "set -e\n" + "".join(
        f"printf '%s\\n' {shlex.quote('$ ' + line.strip())}\n{line}\n" for line in lines
    )
    print(f"run-gitlab-job.py: job `{job_name}`, image {job.get('image')}", flush=True)
    env = dict(os.environ, **variables)
    if image is None:
        command = ["sh", "-c", script]
    else:
        command = ["podman", "run", "--rm", "--network=none", "--entrypoint", "sh"]
        command += ["-v", f"{project}:{project}", "-w", project]
        for key, value in variables.items():
            command += ["-e", f"{key}={value}"]
        command += [image, "-c", script]
    status = subprocess.run(command, cwd=project, env=env).returncode
    reports = (job["artifacts"].get("reports") or {}).items()
    for kind, path in reports:
        for one in path if isinstance(path, list) else [path]:
            if not os.path.isfile(os.path.join(project, one)):
                print(f"run-gitlab-job.py: artifacts:reports:{kind} `{one}` was not written")
                return status or 1
    print(f"run-gitlab-job.py: job `{job_name}` exited with {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
