"""Outcome prediction with a training pipeline: random forests for resolution, escalation,
handle time and satisfaction are trained on three simulated weeks of calls, scored on the
fourth week they never saw, saved and loaded back, and used to predict new calls.

    python examples/call_outcomes/call_outcomes.py

``main.rs`` and ``call_outcomes.js`` beside this file do the same in Rust and Node and print
the same lines (``expected.txt``): a seed makes training reproducible in every process and
language.
"""

import aybiza_analytics as aa


def main():
    store = aa.Store.memory()
    store.ingest(aa.simulate({"seed": 7, "tenants": 1})["records"])
    tenant = store.tenant_ids()[0]

    # Train on the weeks before 2026-01-26 (forests of 50 trees, seeded), score on the week after.
    split = "2026-01-26T00:00:00Z"
    models = aa.OutcomeModels.train(store, tenant, None, split, {"trees": 50, "seed": 7})
    print(f"{tenant}: trained on {len(store.calls(tenant, None, split))} calls before 2026-01-26")

    scores = models.evaluate(store, tenant, split, None)
    print(f'scored on the {scores["calls"]} calls after:')
    for name in ("resolution", "escalation"):
        m = scores[name]
        roc_auc = float("nan") if m["roc_auc"] is None else m["roc_auc"]
        print(
            f'  {name:<12}  accuracy {m["accuracy"]:.3f} (majority class {m["majority_accuracy"]:.3f})'
            f'  ROC AUC {roc_auc:.3f}  Brier {m["brier"]:.3f}'
        )
    for name in ("duration", "satisfaction"):
        m = scores[name]
        if m is None:
            print(f"  {name:<12}  no model or no surveyed calls")
        else:
            print(f'  {name:<12}  MAE {m["mae"]:.3f} (the mean alone: {m["mean_baseline_mae"]:.3f})  R2 {m["r2"]:.3f}')

    # The versioned model file, and the same predictions from the models read back.
    saved = models.to_bytes()
    loaded = aa.OutcomeModels.from_bytes(saved)
    day = "2026-02-01T00:00:00Z"
    predicted = models.predict(store, tenant, day, None)
    reloaded = loaded.predict(store, tenant, day, None)
    print(f"saved: {len(saved)} bytes; the models read back predict the same: {str(predicted == reloaded).lower()}")
    print("the first five calls of 2026-02-01:")
    print("  call                    resolved  escalated  duration  satisfaction")
    for p in predicted[:5]:
        satisfaction = "-" if p["expected_satisfaction"] is None else f'{p["expected_satisfaction"]:.2f}'
        print(
            f'  {p["call_id"]:<22}  {p["resolution_probability"]:>8.2f}  {p["escalation_probability"]:>9.2f}'
            f'  {p["expected_duration_secs"]:>6.0f} s  {satisfaction:>12}'
        )


if __name__ == "__main__":
    main()
