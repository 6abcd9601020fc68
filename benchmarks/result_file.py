"""What the benchmark scripts `bench_engines.py` and `bench_alerts.py` share: the machine, measured and printed at the start,
and the header of a result file (date, machine, matmul peak, load average, command) written beside its table."""
import os, shlex, sys
from datetime import datetime, timezone
from pathlib import Path
from lc_transformer.benchmark import machine

def measured_machine() -> dict:
    "This machine (`lc_transformer.benchmark.machine`: cores, CPU model, matmul peak), printed with the load average."
    this_machine = machine()
    print(f"machine: {this_machine}; load average {os.getloadavg()}", flush=True)
    return this_machine

def write_result(out, # the result file (markdown)
                 machine:dict, # `lc_transformer.benchmark.machine()`
                 details:str, # the script's own line: what was run
                 table:str, # the markdown table
                ) -> str: # the time in the header
    "Print the table under its header and write both to `out`."
    created = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
    header = (f"{created}, {machine['cores']} cores, {machine['cpu_model']}, fp32 matmul peak {machine['matmul_peak_gflops']} GFLOP/s; "
              f"load average at the end {os.getloadavg()}\n{details}; command: python {shlex.join(sys.argv)}\n\n")
    print('\n' + header + table)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(header + table + '\n')
    return created
