"""Throughput and latency of `lc_classify_alerts` (`stream.classify_alerts`), from Avro message bytes to written
probabilities, on Rubin and ELAsTiCC alerts of a simulated test set, with the built-in classifier (or --bundle).

For each alert kind: the simulated test set (`simulate_plasticc`, --n_objects objects, seed --seed) is written as a
stream (`alerts.simulated_alerts`, one alert per detection) and held in memory as message bytes, as a broker's consumer
delivers them. Then, each in a fresh output directory, CSV parts:
- one visit: the first --visit alerts classified as one batch (Rubin's ~10,000 alerts per visit; target at most 10 s);
- sustained: every alert, in batches of 1,000 (alerts per second; Rubin's minimum is about 250 per second);
- latency: the seconds from a batch's first message to its written part, per alert, at batch sizes 1 (the first
  --n_single alerts), 100 and the visit; the median batch.
Rubin's alerts carry no host redshift: they get the built-in model's training medians (`metadata_fill`). Peak memory
is the process's maximum resident set size at the end. No assertions: timings depend on the machine and on what else
runs on it. The markdown table is printed and written to --out with the date, the machine and its matmul peak, and the
figures to the same name with `.json` (read by the docs page `93_stream`).

    python benchmarks/bench_alerts.py [--n_objects 800] [--visit 10000] [--n_single 200] [--out benchmarks/results/bench_alerts.txt]
"""
import argparse, json, os, resource, shlex, sys, tempfile, time
from datetime import datetime, timezone
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pandas as pd
from lc_transformer.alerts import ALERT_KINDS, alert_schema, encode_alert, simulated_alerts
from lc_transformer.benchmark import machine
from lc_transformer.bundles import load_classifier
from lc_transformer.data import OBSERVATION_COLUMNS
from lc_transformer.metrics import markdown_table
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.stream import classify_alerts

def timed_batches(messages, classifier, batch_size, fill, workdir) -> list:
    "Seconds of each batch of `batch_size` messages, each batch a run of its own (read, classify, write its part)."
    seconds = []
    for start in range(0, len(messages), batch_size):
        began = time.perf_counter()
        classify_alerts(iter(messages[start:start + batch_size]), classifier, Path(workdir)/f'batch_{batch_size}_{start}',
                        batch_size=batch_size, metadata_fill=fill)
        seconds.append(time.perf_counter() - began)
    return seconds

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--bundle', default='builtin:plasticc-sim-tokens')
    parser.add_argument('--n_objects', type=int, default=800)
    parser.add_argument('--visit', type=int, default=10_000)
    parser.add_argument('--n_single', type=int, default=200)
    parser.add_argument('--seed', type=int, default=21)
    parser.add_argument('--out', default='benchmarks/results/bench_alerts.txt')
    args = parser.parse_args()
    this_machine = machine()
    print(f"machine: {this_machine}; load average {os.getloadavg()}", flush=True)
    classifier = load_classifier(args.bundle)
    lcs, meta = simulate_plasticc(args.n_objects, 'test', seed=args.seed, first_object_id=5_000_000)
    observations, metadata = lcs[list(OBSERVATION_COLUMNS)], meta.set_index('object_id')
    fill = {c: float(metadata[c].median()) for c in ('hostgal_photoz', 'hostgal_photoz_err', 'mwebv')}
    rows, figures = [], {}
    for kind in ALERT_KINDS:
        schema = alert_schema(kind)
        messages = [encode_alert(a, schema) for a in simulated_alerts(observations, metadata, kind)]
        visit = messages[:args.visit]
        with tempfile.TemporaryDirectory() as tmp:
            visit_seconds, = timed_batches(visit, classifier, len(visit), fill, tmp)
            began = time.perf_counter()
            done = classify_alerts(iter(messages), classifier, Path(tmp)/'sustained', batch_size=1000, metadata_fill=fill)
            sustained = len(messages) / (time.perf_counter() - began)
            latency = {b: np.median(timed_batches(messages[:args.n_single] if b == 1 else visit, classifier, b, fill, tmp))
                       for b in (1, 100)}
        rows.append({'alerts': kind, 'bytes per alert': f"{np.mean([len(m) for m in messages]):.0f}",
                     f'one visit ({len(visit):,} alerts), s': f"{visit_seconds:.1f}",
                     'sustained alerts/s (batches of 1,000)': f"{sustained:,.0f} ({len(messages):,} alerts, {done['n_rejected']} rejected)",
                     'latency at batch 1, ms': f"{1000 * latency[1]:.0f}", 'latency at batch 100, ms': f"{1000 * latency[100]:.0f}",
                     f'latency at batch {len(visit):,}, s': f"{visit_seconds:.1f}"})
        figures[kind] = dict(bytes_per_alert=float(np.mean([len(m) for m in messages])), n_visit=len(visit), visit_seconds=visit_seconds,
                             sustained_alerts_per_s=sustained, n_alerts=len(messages), latency_ms={b: 1000 * s for b, s in latency.items()})
        print(rows[-1], flush=True)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = markdown_table(pd.DataFrame(rows).set_index('alerts'))
    header = (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {this_machine['cores']} cores, {this_machine['cpu_model']}, "
              f"fp32 matmul peak {this_machine['matmul_peak_gflops']} GFLOP/s; load average at the end {os.getloadavg()}\n"
              f"bundle {args.bundle}; {args.n_objects} simulated test objects (seed {args.seed}); peak memory of the process "
              f"{peak_mib:,.0f} MiB; command: python {shlex.join(sys.argv)}\n\n")
    print('\n' + header + table)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(header + table + '\n')
    Path(args.out).with_suffix('.json').write_text(json.dumps(dict(machine=this_machine, peak_mib=peak_mib, command=shlex.join(sys.argv),
                                                                   created=f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", alerts=figures), indent=1))

if __name__ == '__main__': main()
