"""pandas_task.py - the benchmark tasks in pandas (Debian python3-pandas).

    python3 pandas_task.py T1|T2|T3 FILE | T4 EARLIER LATER | T5 PICKLE | SAVE FILE PICKLE
"""
import sys

import pandas as pd

DTYPES = {"t": "int16", "i": "int16", "j": "int16", "k": "str", "v": "float64", "q": "float64"}


def load(path):
    return pd.read_csv(path, dtype=DTYPES, na_values=["NA"], keep_default_na=False)


def top_exporters(df):
    for i, s in df.groupby("i")["v"].sum().nlargest(10).items():
        print(f"{i}\t{s:.3f}")


def main(task, a, b=None):
    if task == "T1":
        print(len(load(a)))
    elif task == "T2":
        top_exporters(load(a))
    elif task == "T3":
        df = load(a)
        df = df[(df.i == 704) & (df.j == 643)]
        for c, s in df.groupby(df.k.str[:2])["v"].sum().nlargest(10).items():
            print(f"{c}\t{s:.3f}")
    elif task == "T4":
        early = load(a).groupby(["i", "j"], as_index=False)["v"].sum()
        late = load(b).groupby(["i", "j"], as_index=False)["v"].sum()
        m = late.merge(early, on=["i", "j"], suffixes=("", "_base"))
        m["d"] = m.v - m.v_base
        for r in m.nlargest(10, "d").itertuples():
            print(f"{r.i}\t{r.j}\t{r.v:.3f}\t{r.v_base:.3f}\t{r.d:.3f}\t{r.d / r.v_base * 100:.4f}")
    elif task == "T5":
        top_exporters(pd.read_pickle(a))
    elif task == "SAVE":
        load(a).to_pickle(b)
    else:
        raise SystemExit(f"pandas: no task {task}")


if __name__ == "__main__":
    main(*sys.argv[1:])
