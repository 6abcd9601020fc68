"""Throughput and latency of `lc_classify_alerts` (`stream.classify_alerts`), from Avro message bytes to written
probabilities, on Rubin and ELAsTiCC alerts of a simulated test set, with the built-in classifier (or --bundle).

For each alert kind: the simulated test set (`simulate_plasticc`, --n_objects objects, seed --seed) is written as a
stream (`alerts.simulated_alerts`, one alert per detection) and held in memory as message bytes, as a broker's consumer
delivers them. Then, each in a fresh output directory, CSV parts:
- cold start: the first 100 alerts, the process's first call (it parses the schemas and runs the model for the first
  time), so that the figures below are those of a worker that is running, as a broker's is;
- one visit: the first --visit alerts classified as one batch (Rubin's ~10,000 alerts per visit; target at most 10 s);
- sustained: every alert, in batches of 1,000 (alerts per second; Rubin's minimum is about 250 per second);
- latency: the seconds from a batch's first message to its written part, per alert, at batch sizes 1 (the first
  --n_single alerts), 100 and the visit; the median batch.
Rubin's alerts carry no host redshift and no `mwebv`: the stream gives the model the bundle's training medians of
those columns (`TrainedClassifier.metadata_medians`), and so does the offline path below. Peak memory is the process's maximum resident set size at the end.
The probabilities are scored against each alert's true class (class 99 for the classes unseen in training), each alert
a moment of its object, in the names of `metrics.classification_scores`: the sustained run (forced photometry at
|S/N| >= 5 counts as detected, the default), the same stream with forced photometry as non-detections (as the
simulator's files flag it), and the offline path (`TrainedClassifier.probabilities` on the observation rows up to
each alert's time, with the metadata the stream had). No assertions: timings depend on the machine and on what else
runs on it. The markdown table is printed and written to --out with the date, the machine and its matmul peak, and the
figures to the same name with `.json` (read by the docs page `93_stream`).

    python benchmarks/bench_alerts.py [--n_objects 800] [--visit 10000] [--n_single 200] [--out benchmarks/results/bench_alerts.txt]
"""
import argparse, json, os, resource, shlex, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import pandas as pd
from lc_transformer.alerts import ALERT_KINDS, alert_schema, encode_alert, simulated_alerts
from lc_transformer.bundles import load_classifier
from lc_transformer.data import OBSERVATION_COLUMNS
from lc_transformer.metrics import classification_scores, markdown_table
from lc_transformer.simulate import simulate_plasticc
from lc_transformer.stream import classify_alerts, read_classifications
from result_file import measured_machine, write_result

def timed_batches(messages, classifier, batch_size, workdir) -> list:
    "Seconds of each batch of `batch_size` messages, each batch a run of its own (read, classify, write its part)."
    seconds = []
    for start in range(0, len(messages), batch_size):
        began = time.perf_counter()
        classify_alerts(iter(messages[start:start + batch_size]), classifier, Path(workdir)/f'batch_{batch_size}_{start}',
                        batch_size=batch_size)
        seconds.append(time.perf_counter() - began)
    return seconds

SCORES = ('n_objects', 'accuracy', 'macro_f1', 'kaggle_weighted_log_loss')

def offline_probabilities(classifier, observations, metadata, rows, fill) -> np.ndarray:
    "The probabilities of each alert's object from the observation rows up to the alert's time, one pseudo-object per alert."
    ordered = observations.sort_values(['object_id', 'mjd'], kind='stable').reset_index(drop=True)
    ids, mjd = ordered.object_id.to_numpy(), ordered.mjd.to_numpy()
    first = {o: i for o, i in zip(*np.unique(ids, return_index=True))}
    counts = dict(zip(*np.unique(ids, return_counts=True)))
    picks = [np.arange(first[o], first[o] + np.searchsorted(mjd[first[o]:first[o] + counts[o]], t, side='right'))
             for o, t in zip(rows.object_id, rows.mjd)]
    known = ordered.iloc[np.concatenate(picks)].assign(object_id=np.repeat(np.arange(len(rows)), [len(p) for p in picks]))
    meta = metadata.loc[rows.object_id.to_numpy()].reset_index(drop=True).rename_axis('object_id')
    for column, value in fill.items(): meta[column] = value
    return classifier.probabilities(known, meta).to_numpy()

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--bundle', default='builtin:plasticc-sim-tokens')
    parser.add_argument('--n_objects', type=int, default=800)
    parser.add_argument('--visit', type=int, default=10_000)
    parser.add_argument('--n_single', type=int, default=200)
    parser.add_argument('--seed', type=int, default=21)
    parser.add_argument('--out', default='benchmarks/results/bench_alerts.txt')
    args = parser.parse_args()
    this_machine = measured_machine()
    classifier = load_classifier(args.bundle)
    lcs, meta = simulate_plasticc(args.n_objects, 'test', seed=args.seed, first_object_id=5_000_000)
    observations, metadata = lcs[list(OBSERVATION_COLUMNS)], meta.set_index('object_id')
    training_medians = {c: classifier.metadata_medians[c] for c in ('hostgal_photoz', 'hostgal_photoz_err', 'mwebv')}
    rows, figures = [], {}
    for kind in ALERT_KINDS:
        schema, fill = alert_schema(kind), training_medians if kind == 'rubin' else None
        messages = [encode_alert(a, schema) for a in simulated_alerts(observations, metadata, kind)]
        visit = messages[:args.visit]
        with tempfile.TemporaryDirectory() as tmp:
            cold_seconds = timed_batches(messages[:100], classifier, 100, Path(tmp)/'cold')[0]
            visit_seconds, = timed_batches(visit, classifier, len(visit), tmp)
            began = time.perf_counter()
            done = classify_alerts(iter(messages), classifier, Path(tmp)/'sustained', batch_size=1000)
            sustained = len(messages) / (time.perf_counter() - began)
            streamed = read_classifications(Path(tmp)/'sustained')
            classify_alerts(iter(messages), classifier, Path(tmp)/'as_filed', batch_size=1000, forced_detection_snr=None)
            as_filed = read_classifications(Path(tmp)/'as_filed')
            latency = {b: np.median(timed_batches(messages[:args.n_single] if b == 1 else visit, classifier, b, tmp))
                       for b in (1, 100)}
        rows.append({'alerts': kind, 'bytes per alert': f"{np.mean([len(m) for m in messages]):.0f}",
                     'cold start (first 100 alerts), s': f"{cold_seconds:.1f}", f'one visit ({len(visit):,} alerts), s': f"{visit_seconds:.1f}",
                     'sustained alerts/s (batches of 1,000)': f"{sustained:,.0f} ({len(messages):,} alerts, {done['n_rejected']} rejected)",
                     'latency at batch 1, ms': f"{1000 * latency[1]:.0f}", 'latency at batch 100, ms': f"{1000 * latency[100]:.0f}",
                     f'latency at batch {len(visit):,}, s': f"{visit_seconds:.1f}"})
        codes = list(classifier.output_codes)
        labels = np.array([codes.index(t) for t in metadata.target.loc[streamed.object_id]])
        stream_probs = streamed[[f'class_{c}' for c in codes]].to_numpy()
        as_filed_probs = as_filed[[f'class_{c}' for c in codes]].to_numpy()
        offline = offline_probabilities(classifier, observations, metadata, streamed, fill or {})
        scores = {path: {k: v for k, v in classification_scores(labels, p, class_codes=codes).items() if k in SCORES}
                  for path, p in (('stream', stream_probs), ('stream_forced_as_non_detections', as_filed_probs), ('offline', offline))}
        scores['largest_difference_from_offline'] = float(np.abs(as_filed_probs - offline).max())
        print(kind, scores, flush=True)
        rows[-1]['Kaggle-weighted log-loss of the alerts: stream / forced as non-detections / offline'] = ' / '.join(
            f"{scores[path]['kaggle_weighted_log_loss']:.4f}" for path in ('stream', 'stream_forced_as_non_detections', 'offline'))
        figures[kind] = dict(scores=scores, bytes_per_alert=float(np.mean([len(m) for m in messages])), n_visit=len(visit), visit_seconds=visit_seconds, cold_start_seconds=cold_seconds,
                             sustained_alerts_per_s=sustained, n_alerts=len(messages), latency_ms={b: 1000 * s for b, s in latency.items()})
        print(rows[-1], flush=True)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = markdown_table(pd.DataFrame(rows).set_index('alerts'))
    created = write_result(args.out, this_machine, f"bundle {args.bundle}; {args.n_objects} simulated test objects (seed {args.seed}); "
                           f"peak memory of the process {peak_mib:,.0f} MiB", table)
    Path(args.out).with_suffix('.json').write_text(json.dumps(dict(machine=this_machine, peak_mib=peak_mib, command=shlex.join(sys.argv),
                                                                   created=created, alerts=figures), indent=1))

if __name__ == '__main__': main()
