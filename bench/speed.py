"""Timing, tables and plots of the speed benchmarks W2, W3 and W4.

Run by bench/w2.sh, w3.sh and w4.sh (which build the programs and install
the peers first); see bench/README.md. Every peer prints one line of
key=value pairs (seconds of training, samples_per_s, ...). This script runs
the peers' samples in turn (round robin, so a change in the machine's load
falls on all of them alike), takes each process's peak RSS from wait4(),
notes the load average before each sample, and prints Markdown tables of
the medians, the ratios and the issue's targets. It also writes every
sample to OUT/wN.json.

    python3 speed.py w2 --out DIR --train F --test F [--ours-double BIN] [--ours-float BIN] ...
    python3 speed.py w3 --out DIR [--ours-double BIN] [--ours-float BIN] ...
    python3 speed.py w4 --out DIR [--ours-double BIN] [--ours-float BIN] ...
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1048576.0


# ------------------------------------------------------------- running


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def parse_pairs(text):
    """The key=value pairs of the last line that has any; numbers as floats."""
    for line in reversed(text.splitlines()):
        pairs = dict(w.split("=", 1) for w in line.split() if "=" in w)
        if pairs:
            for key, value in pairs.items():
                try:
                    pairs[key] = float(value)
                except ValueError:
                    pass
            return pairs
    return {}


def run_measured(cmd, env=None):
    """Runs cmd; returns (exit code, stdout, stderr, wall s, peak RSS KiB of that process)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), wall, usage.ru_maxrss)


class Job:
    """One configuration of one peer: a command and how to read its figures.

    after(sample) may add figures (e.g. read a history file, run an eval);
    info holds the columns of the table (peer, configuration, ...)."""

    def __init__(self, key, cmd, env=None, after=None, **info):
        self.key, self.cmd, self.env, self.after, self.info = key, cmd, env, after, info


def take_sample(job, log):
    load = load_average()
    code, out, err, wall, rss = run_measured(job.cmd, job.env)
    log.write("$ %s\n%s%s(exit %d, %.3fs)\n" % (" ".join(job.cmd), out, err, code, wall))
    if code != 0:
        sys.stderr.write("speed: %s failed (exit %d): %s\n" % (job.key, code, err.strip()[-400:]))
        return None
    sample = parse_pairs(out)
    sample.update(wall=wall, rss_kib=float(rss), load=load)
    if job.after:
        job.after(sample)
    if "seconds" not in sample:
        sys.stderr.write("speed: %s printed no seconds=\n" % job.key)
        return None
    return sample


def measure(jobs, runs, out_dir, name):
    """RUNS samples of every job, in turn; returns {key: [samples]}."""
    results = {job.key: [] for job in jobs}
    failed = set()
    with open(os.path.join(out_dir, name + ".log"), "w") as log:
        for run in range(runs):
            for job in jobs:
                if job.key in failed:
                    continue
                sys.stderr.write("%s: run %d/%d: %s\n" % (name, run + 1, runs, job.key))
                sample = take_sample(job, log)
                if sample is None:
                    failed.add(job.key)
                else:
                    results[job.key].append(sample)
    return results


def median(samples, key):
    values = [s[key] for s in samples if isinstance(s.get(key), float) and not math.isnan(s[key])]
    return statistics.median(values) if values else float("nan")


def summary(job, samples):
    """The medians of a job's samples; samples/s and GFLOP/s from the median time."""
    row = dict(job.info, key=job.key, runs=len(samples))
    if not samples:
        return row
    for key in ("seconds", "wall", "rss_kib", "load", "accuracy"):
        row[key] = median(samples, key)
    times = [s["seconds"] for s in samples]
    row["fastest"] = min(times)
    row["spread"] = 100.0 * (max(times) - min(times)) / row["seconds"] if row["seconds"] > 0 else float("nan")
    row["load_max"] = max(s["load"] for s in samples)
    first = samples[0]
    for key in ("blas", "threads", "isa", "gemm"):
        if key in first:
            row[key] = first[key]
    if "{threads}" in row.get("config", ""):
        row["config"] = row["config"].replace("{threads}", fmt(row.get("threads"), 0))
    work = job.info.get("samples")
    if work:
        row["samples_per_s"] = work / row["seconds"]
        row["us_per_sample"] = 1e6 * row["seconds"] / work
    flops = job.info.get("flops")
    if flops:
        row["gflops"] = flops / row["seconds"] / 1e9
    return row


# ------------------------------------------------------------- printing


def fmt(value, digits=1):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        if digits == 0:
            return "{:,.0f}".format(value)
        return "%.*f" % (digits, value)
    return str(value)


def markdown_table(headers, rows):
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def verdict(value, goal):
    if value is None or math.isnan(value):
        return "not measured"
    return "met" if value >= goal else "NOT met"


def header(title, args, rows):
    loads = [r["load"] for r in rows if "load" in r]
    print("### %s" % title)
    print()
    print("%s; %d cores; commit %s; medians of %d runs; load average (1 min) before the "
          "samples: median %s, max %s" % (
              time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), args.commit,
              args.runs, fmt(statistics.median(loads)) if loads else "-",
              fmt(max(r["load_max"] for r in rows if "load_max" in r)) if loads else "-"))
    print()


def save(out_dir, name, results, rows):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump({"samples": results, "rows": rows}, f, indent=1, default=str)


# ------------------------------------------------------------- peers


def torch_env():
    """PyTorch at its best: OpenBLAS's AVX-512 kernels on CPUs that have them.

    Debian's OpenBLAS 0.3.21 may otherwise pick slower kernels, and the
    machine may set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for other programs."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    try:
        with open("/proc/cpuinfo") as f:
            if " avx512f" in f.read():
                env["OPENBLAS_CORETYPE"] = "SkylakeX"
    except OSError:
        pass
    return env


def torch_configs(args):
    """(threads argument, extra environment, description) of each PyTorch run.

    One intra-op thread (OpenBLAS still runs its own threads on every core),
    two, and PyTorch's own default when that is another count. Two OpenMP
    threads next to OpenBLAS's must not spin while they wait: with the
    default (active) wait policy they took 12 to 40 times longer on a busy
    machine, so that configuration runs with OMP_WAIT_POLICY=passive."""
    default = args.torch_default_threads
    configs = [("1", {}, "1 intra-op thread%s" % (" (its default here)" if default == 1 else "")),
               ("2", {"OMP_WAIT_POLICY": "passive"},
                "2 intra-op threads%s, OMP_WAIT_POLICY=passive" % (" (its default here)" if default == 2 else ""))]
    if default not in (1, 2):
        configs.append(("default", {}, "its default intra-op threads ({threads})"))
    return configs


def torch_jobs(args, prefix, mode_args, dtypes, configs=None, **info):
    """PyTorch in each configuration of torch_configs (or those given)."""
    if not args.torch:
        return []
    base = torch_env()
    coretype = base.get("OPENBLAS_CORETYPE", "auto")
    jobs = []
    for dtype in dtypes:
        for threads, extra, what in configs or torch_configs(args):
            env = dict(base, **extra)
            jobs.append(Job("%s-%s-t%s" % (prefix, dtype, threads),
                            [args.torch, os.path.join(HERE, "torch_mlp.py")] + mode_args +
                            ["--dtype", dtype, "--threads", threads],
                            env=env, peer="PyTorch " + args.torch_version,
                            config="%s, %s, OPENBLAS_CORETYPE=%s" % (dtype, what, coretype),
                            real=dtype, **info))
    return jobs


def best(rows, **match):
    """The fastest row (by seconds) whose info matches."""
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items()) and "seconds" in r]
    return min(found, key=lambda r: r["seconds"]) if found else None


def ratio(a, b, key):
    if not a or not b or key not in a or key not in b:
        return float("nan")
    return a[key] / b[key]


def speedup_text(ours, peer):
    """Our speed over the peer's: of the medians, and of the fastest runs
    (on a shared machine the fastest run is the least disturbed one)."""
    median_x = ratio(peer, ours, "seconds")
    fastest_x = ratio(peer, ours, "fastest")
    return median_x, "%sx (fastest runs: %sx)" % (fmt(median_x, 2), fmt(fastest_x, 2))


# ------------------------------------------------------------------ W2


def w2_ours_job(args, real, binary, threads, common, samples, matrix_mib):
    """Our CLI: train (timed by its --history file), then eval (not timed)."""
    tag = "%s-t%d" % (real, threads)
    model = os.path.join(args.out, "w2-%s.model" % tag)
    history = os.path.join(args.out, "w2-%s-history.csv" % tag)

    def after(sample):
        with open(history) as f:
            last = f.read().strip().splitlines()[-1].split(",")
        sample["seconds"] = float(last[-1])
        _, out, _, _, _ = run_measured([binary, "eval", model, args.test])
        for line in out.splitlines():
            if line.startswith("Accuracy:"):
                sample["accuracy"] = float(line.split()[1].rstrip("%"))

    what = "--threads 0 (all %d cores)" % os.cpu_count() if threads == 0 else "--threads 1"
    return Job("ours-" + tag, [binary, "train", args.train, "-o", model, "--history", history,
                               "--threads", str(threads)] + common,
               after=after, peer="backprop " + real, config="CLI, %s build, --init he, %s" % (real, what),
               real=real, samples=samples, ours=True, threads_wanted=threads, matrix_mib=matrix_mib)


def w2_jobs(args):
    train_rows = sum(1 for _ in open(args.train)) - 1
    samples = train_rows * args.epochs
    jobs = []
    common = ["--hidden", "128", "--activation", "relu", "--loss", "xent", "--batch", "32",
              "--lr", "0.1", "--epochs", str(args.epochs), "--init", "he", "--scale", "minmax",
              "--seed", "1", "--quiet"]
    for real, binary in (("double", args.ours_double), ("float", args.ours_float)):
        if not binary:
            continue
        for threads in (0, 1):
            jobs.append(w2_ours_job(args, real, binary, threads, common, samples,
                                    train_rows * args.features * (8 if real == "double" else 4) / MIB))
    jobs += torch_jobs(args, "torch", ["csv", args.train, args.test, "--hidden", "128", "--batch", "32",
                                       "--lr", "0.1", "--epochs", str(args.epochs)],
                       args.torch_dtypes.split(), samples=samples)
    if args.fann:
        jobs.append(Job("fann", [args.fann, args.train, args.test, "--epochs", str(args.epochs)]
                        + args.fann_options.split(), peer="FANN 2.2",
                        config="floatfann, online (incremental), " + args.fann_options, real="float32",
                        samples=samples))
    return jobs


def w2_report(args, rows):
    header("W2: MNIST-10k, 784-128-10 ReLU + softmax cross-entropy, SGD batch 32, lr 0.1, "
           "%d epochs" % args.epochs, args, rows)
    table = []
    torch32 = best(rows, real="float32", peer="PyTorch " + args.torch_version)
    for r in rows:
        rss = r.get("rss_kib", float("nan")) / 1024
        limit = r.get("matrix_mib")
        table.append([r["peer"], r["config"], fmt(r.get("seconds"), 2), fmt(r.get("fastest"), 2),
                      fmt(r.get("spread"), 0), fmt(r.get("samples_per_s"), 0),
                      fmt(ratio(r, torch32, "samples_per_s"), 2), fmt(r.get("accuracy"), 2), fmt(rss),
                      "%s + 16 = %s" % (fmt(limit), fmt(limit + 16)) if limit else "-",
                      str(r.get("blas", "-")), fmt(r.get("load"))])
    print(markdown_table(["peer", "configuration", "train s", "fastest s", "spread %", "samples/s",
                          "vs PyTorch f32",
                          "test acc %", "peak RSS MiB", "matrix + 16 MiB", "BLAS core", "load"], table))
    print()
    print("train s: the training loop only (ours: the last `seconds` of --history; PyTorch and FANN: "
          "timed around their epochs); samples/s = rows x epochs / train s; vs PyTorch f32 = samples/s "
          "/ the fastest PyTorch float32 configuration's (medians); fastest s = the fastest run; "
          "spread = (slowest - fastest run) / median; "
          "peak RSS of the whole process (wait4).")
    print()
    ours_f = best(rows, real="float", ours=True, threads_wanted=0)
    ours_d = best(rows, real="double", ours=True, threads_wanted=0)
    torch64 = best(rows, real="float64", peer="PyTorch " + args.torch_version)
    targets = []
    if ours_f:
        x, text = speedup_text(ours_f, torch32)
        equal = ours_f.get("accuracy", 0) >= (torch32 or {}).get("accuracy", float("inf"))
        targets.append(["float build >= 2x PyTorch float32 samples/s, equal or better accuracy",
                        "%s; accuracy %s%% vs %s%%" % (text, fmt(ours_f.get("accuracy"), 2),
                                                       fmt((torch32 or {}).get("accuracy"), 2)),
                        "met" if x >= 2 and equal else "NOT met"])
    if ours_d:
        x, text = speedup_text(ours_d, torch32)
        targets.append(["double build >= 1x PyTorch float32 samples/s", text, verdict(x, 1)])
        if torch64:
            x, text = speedup_text(ours_d, torch64)
            targets.append(["(double build vs PyTorch float64)", text, verdict(x, 1)])
    for real in ("float", "double"):
        one = best(rows, real=real, ours=True, threads_wanted=1)
        if one:
            x, text = speedup_text(one, torch32)
            targets.append(["(%s build with --threads 1 vs PyTorch float32)" % real, text,
                            verdict(x, 2 if real == "float" else 1)])
    for r in (ours_d, ours_f):
        if r and "rss_kib" in r:
            rss, limit = r["rss_kib"] / 1024, r["matrix_mib"] + 16
            targets.append(["%s: peak RSS <= data matrix + 16 MiB" % r["peer"],
                            "%s MiB of %s MiB" % (fmt(rss), fmt(limit)), "met" if rss <= limit else "NOT met"])
    print(markdown_table(["target", "measured", "verdict"], targets))
    print()


# ------------------------------------------------------------------ W3


def w3_info(args):
    widths = [int(w) for w in args.widths.split(",")]
    weights = sum(a * b for a, b in zip(widths, widths[1:]))
    samples = args.rows * args.epochs
    return dict(samples=samples, flops=6.0 * weights * samples)


def ours_job(key, binary, real, threads, driver_args, **info):
    return Job(key, [binary] + driver_args + ["--threads", str(threads)], peer="backprop " + real,
               config="library driver, %s build, %s" % (
                   real, "1 thread" if threads == 1 else "%d threads (all cores)" % os.cpu_count()),
               real=real, threads_wanted=threads, ours=True, **info)


def w3_jobs(args):
    info = w3_info(args)
    mode = ["--widths", args.widths, "--rows", str(args.rows), "--batch", str(args.batch),
            "--epochs", str(args.epochs)]
    jobs = []
    for real, binary in (("float", args.ours_float), ("double", args.ours_double)):
        if binary:
            for threads in (0, 1):
                jobs.append(ours_job("ours-%s-t%d" % (real, threads), binary, real, threads, mode, **info))
    jobs += torch_jobs(args, "torch", ["synth"] + mode + ["--lr", "0.01"], args.torch_dtypes.split(), **info)
    return jobs


def w3_report(args, rows):
    header("W3: %d synthetic rows, %s ReLU + softmax, batch %d, %d epochs" % (
        args.rows, args.widths.replace(",", "-"), args.batch, args.epochs), args, rows)
    peers = {"float": best(rows, real="float32", peer="PyTorch " + args.torch_version),
             "double": best(rows, real="float64", peer="PyTorch " + args.torch_version)}
    table = []
    for r in rows:
        same = peers.get(r["real"]) or (peers["float"] if r["real"] == "float32" else peers["double"])
        table.append([r["peer"], r["config"], fmt(r.get("seconds"), 2), fmt(r.get("fastest"), 2),
                      fmt(r.get("spread"), 0), fmt(r.get("samples_per_s"), 0), fmt(r.get("gflops")), fmt(ratio(r, same, "gflops"), 2), str(r.get("blas", r.get("isa", "-"))),
                      fmt(r.get("load"))])
    print(markdown_table(["peer", "configuration", "train s", "fastest s", "spread %", "samples/s", "GFLOP/s",
                          "vs PyTorch (same precision)", "kernels", "load"], table))
    print()
    print("GFLOP/s = 6 x weights x samples / train s (2 for the forward pass, 4 for the backward "
          "pass); vs PyTorch = GFLOP/s / the fastest PyTorch configuration's in the same precision; "
          "fastest s = the fastest run; spread = (slowest - fastest run) / median.")
    print()
    targets = []
    for real in ("float", "double"):
        ours2 = best(rows, real=real, ours=True, threads_wanted=0)
        ours1 = best(rows, real=real, ours=True, threads_wanted=1)
        if ours2:
            x, text = speedup_text(ours2, peers[real])
            targets.append(["%s: >= 1.3x PyTorch's GFLOP/s" % real,
                            "%s vs %s GFLOP/s: %s" % (fmt(ours2.get("gflops")),
                                                      fmt((peers[real] or {}).get("gflops")), text),
                            verdict(x, 1.3)])
        if ours1 and ours2:
            x, text = speedup_text(ours2, ours1)
            targets.append(["%s: 2 threads >= 1.7x faster than 1" % real, text, verdict(x, 1.7)])
    print(markdown_table(["target", "measured", "verdict"], targets))
    print()


# ------------------------------------------------------------------ W4


def sized_run(weights, min_samples, max_samples, max_rows, flops_goal):
    """Rows and epochs for about flops_goal floating-point operations."""
    samples = int(min(max(flops_goal / (6.0 * weights), min_samples), max_samples))
    rows = min(samples, max_rows)
    return rows, max(1, math.ceil(samples / rows))


def w4_jobs(args):
    jobs = []
    reals = [(r, b) for r, b in (("float", args.ours_float), ("double", args.ours_double)) if b]
    for real, binary in reals:
        for width in [int(w) for w in args.sweep_widths.split(",")]:
            widths = [width, width, width, 10]
            weights = sum(a * b for a, b in zip(widths, widths[1:]))
            rows, epochs = sized_run(weights, 4096, 1 << 20, 65536, args.flops_goal)
            mode = ["--widths", ",".join(map(str, widths)), "--rows", str(rows), "--batch", "128",
                    "--epochs", str(epochs)]
            info = dict(sweep="width", x=width, epochs=epochs, samples=rows * epochs, flops=6.0 * weights * rows * epochs)
            jobs.append(ours_job("width-%s-%d" % (real, width), binary, real, 0, mode, **info))
            if args.torch and real == "float" and args.torch_widths:
                jobs += torch_jobs(args, "width-torch-%d" % width, ["synth"] + mode, ["float32"],
                                   configs=torch_configs(args)[:1], **info)
        widths = [int(w) for w in args.batch_widths.split(",")]
        weights = sum(a * b for a, b in zip(widths, widths[1:]))
        for batch in [int(b) for b in args.sweep_batches.split(",")]:
            goal = args.flops_goal / (8 if batch < 8 else 1)
            rows, epochs = sized_run(weights, max(256, 8 * batch), 1 << 20, 65536, goal)
            mode = ["--widths", args.batch_widths, "--rows", str(rows), "--batch", str(batch),
                    "--epochs", str(epochs)]
            info = dict(sweep="batch", x=batch, epochs=epochs, samples=rows * epochs, flops=6.0 * weights * rows * epochs)
            jobs.append(ours_job("batch-%s-%d" % (real, batch), binary, real, 0, mode, **info))
    widths = [int(w) for w in args.rows_widths.split(",")]
    weights = sum(a * b for a, b in zip(widths, widths[1:]))
    for real, binary in reals[:1]:
        for rows in [int(r) for r in args.sweep_rows.split(",")]:
            epochs = max(1, 65536 // rows)
            mode = ["--widths", args.rows_widths, "--rows", str(rows), "--batch", "32", "--epochs", str(epochs)]
            info = dict(sweep="rows", x=rows, epochs=epochs, samples=rows * epochs,
                        flops=6.0 * weights * rows * epochs)
            jobs.append(ours_job("rows-%s-%d" % (real, rows), binary, real, 0, mode, **info))
    return jobs


def w4_tables(args, rows):
    out = []
    for sweep, title, label in (
            ("width", "time per sample against width: a %s network (inputs and two hidden layers "
                      "of width w, 10 outputs), batch 128, all cores" % "w-w-w-10", "width w"),
            ("batch", "time per sample against batch size: %s, all cores" % args.batch_widths.replace(",", "-"),
             "batch"),
            ("rows", "training time against rows: %s, batch 32, all cores; epochs = max(1, 65536 / rows)"
             % args.rows_widths.replace(",", "-"), "rows")):
        selected = [r for r in rows if r.get("sweep") == sweep and "seconds" in r]
        if not selected:
            continue
        table = []
        for r in selected:
            per_epoch = r["seconds"] / r.get("epochs", 1)
            cells = [r["peer"], fmt(float(r["x"]), 0), fmt(float(r["samples"]), 0), fmt(r["seconds"], 3)]
            if sweep == "rows":
                cells += [str(r["epochs"]), fmt(per_epoch, 3)]
            table.append(cells + [fmt(r["us_per_sample"], 2), fmt(r["gflops"]), fmt(r.get("load"))])
        extra = ["epochs", "s per epoch"] if sweep == "rows" else []
        out.append((title, markdown_table(["peer", label, "samples", "train s"] + extra +
                                          ["us per sample", "GFLOP/s", "load"], table)))
    return out


def w4_plot(path, rows):
    """Four panels: GFLOP/s against width and batch; seconds per epoch and
    microseconds per row against rows."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    panels = (("width", "gflops", "width w (w-w-w-10 network, batch 128)", "GFLOP/s (6 x weights per sample)"),
              ("batch", "gflops", "batch size (784-1024-1024-10)", "GFLOP/s (6 x weights per sample)"),
              ("rows", "epoch_seconds", "rows (784-128-10, batch 32)", "seconds per epoch"),
              ("rows", "us_per_sample", "rows (784-128-10, batch 32)", "microseconds per row"))
    for ax, (sweep, value, xlabel, ylabel) in zip(axes.flat, panels):
        peers = sorted({r["peer"] for r in rows if r.get("sweep") == sweep}, key=lambda p: (p.startswith("PyTorch"), p))
        for peer in peers:
            sel = sorted((r for r in rows if r.get("sweep") == sweep and r["peer"] == peer and "seconds" in r),
                         key=lambda r: r["x"])
            if not sel:
                continue
            xs = [r["x"] for r in sel]
            ys = [r["seconds"] / r["epochs"] if value == "epoch_seconds" else r[value] for r in sel]
            ax.plot(xs, ys, "o-", label=peer)
            if value == "epoch_seconds":
                ax.plot(xs, [ys[0] * x / xs[0] for x in xs], "--", color="grey", zorder=0,
                        label="linear from the first point")
                ax.set_yscale("log")
        ax.set_xscale("log", base=10 if sweep == "rows" else 2)
        if value == "us_per_sample":
            ax.set_ylim(bottom=0)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("W4: how the cost of training grows")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return True


def ascii_plot(rows, sweep, value, label):
    """A bar per point, for machines without matplotlib."""
    sel = sorted((r for r in rows if r.get("sweep") == sweep and value in r), key=lambda r: (r["peer"], r["x"]))
    if not sel:
        return ""
    top = max(r[value] for r in sel) or 1
    lines = ["%s (%s):" % (label, sweep)]
    for r in sel:
        lines.append("%-16s %8d |%s %s" % (r["peer"], r["x"], "#" * int(round(50 * r[value] / top)), fmt(r[value])))
    return "\n".join(lines)


def w4_report(args, rows):
    header("W4: how the cost grows", args, rows)
    for title, table in w4_tables(args, rows):
        print("%s:" % title)
        print()
        print(table)
        print()
    png = os.path.join(args.out, "w4.png")
    if w4_plot(png, rows):
        print("plot: %s" % png)
    else:
        print("(matplotlib is not available: ASCII plots)")
        print()
        print("```")
        print(ascii_plot(rows, "width", "gflops", "GFLOP/s"))
        print(ascii_plot(rows, "batch", "gflops", "GFLOP/s"))
        print(ascii_plot(rows, "rows", "us_per_sample", "us per sample"))
        print("```")
    print()


# ------------------------------------------------------------------ main


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("workload", choices=["w2", "w3", "w4"])
    p.add_argument("--out", required=True, help="directory for logs, models and results")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--commit", default="?")
    p.add_argument("--ours-double", help="W2: the double CLI; W3/W4: the double driver")
    p.add_argument("--ours-float", help="the same, float build")
    p.add_argument("--torch", help="the Python that has torch (PyTorch is skipped without it)")
    p.add_argument("--torch-version", default="")
    p.add_argument("--torch-dtypes", default="float32 float64")
    p.add_argument("--torch-default-threads", type=int, default=0,
                   help="the intra-op thread count PyTorch picks by itself")
    p.add_argument("--fann", help="W2: the fann_mnist program")
    p.add_argument("--fann-options", default="--hidden-act SIGMOID --output-act SIGMOID --lr 0.7")
    p.add_argument("--train")
    p.add_argument("--test")
    p.add_argument("--features", type=int, default=784)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--widths", default="784,1024,1024,10")
    p.add_argument("--rows", type=int, default=16384)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--sweep-widths", default="16,32,64,128,256,512,1024,2048")
    p.add_argument("--torch-widths", type=int, default=1, help="W4: PyTorch in the width sweep too")
    p.add_argument("--batch-widths", default="784,1024,1024,10")
    p.add_argument("--sweep-batches", default="1,2,4,8,16,32,64,128,256,512")
    p.add_argument("--rows-widths", default="784,128,10")
    p.add_argument("--sweep-rows", default="1000,4000,16000,64000,256000,1000000")
    p.add_argument("--flops-goal", type=float, default=2e10, help="W4: work per sample point")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    make_jobs = {"w2": w2_jobs, "w3": w3_jobs, "w4": w4_jobs}[args.workload]
    report = {"w2": w2_report, "w3": w3_report, "w4": w4_report}[args.workload]
    jobs = make_jobs(args)
    results = measure(jobs, args.runs, args.out, args.workload)
    rows = [summary(job, results[job.key]) for job in jobs]
    save(args.out, args.workload, results, rows)
    report(args, rows)
    return 0 if all(results[j.key] for j in jobs if j.info.get("ours")) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
