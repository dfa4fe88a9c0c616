// Outcome prediction with a training pipeline: random forests for resolution, escalation,
// handle time and satisfaction are trained on three simulated weeks of calls, scored on the
// fourth week they never saw, saved and loaded back, and used to predict new calls.
//
//     node examples/call_outcomes/call_outcomes.js
//
// `main.rs` and `call_outcomes.py` beside this file do the same in Rust and Python and print
// the same lines (`expected.txt`): a seed makes training reproducible in every process and
// language.

const aa = require('aybiza-analytics')

/** `value` with `decimals` decimals, right-aligned in `width` characters. */
function fixed(value, decimals, width = 0) {
  return value.toFixed(decimals).padStart(width)
}

async function main() {
  const store = aa.Store.memory()
  await store.ingest((await aa.simulate({ seed: 7, tenants: 1 })).records)
  const [tenant] = await store.tenantIds()

  // Train on the weeks before 2026-01-26 (forests of 50 trees, seeded), score on the week after.
  const split = '2026-01-26T00:00:00Z'
  const models = await aa.OutcomeModels.train(store, tenant, null, split, { trees: 50, seed: 7 })
  const trainedOn = (await store.calls(tenant, null, split)).length
  console.log(`${tenant}: trained on ${trainedOn} calls before 2026-01-26`)

  const scores = await models.evaluate(store, tenant, split, null)
  console.log(`scored on the ${scores.calls} calls after:`)
  for (const name of ['resolution', 'escalation']) {
    const m = scores[name]
    const rocAuc = m.roc_auc === null ? 'NaN' : fixed(m.roc_auc, 3)
    console.log(
      `  ${name.padEnd(12)}  accuracy ${fixed(m.accuracy, 3)} (majority class ${fixed(m.majority_accuracy, 3)})` +
        `  ROC AUC ${rocAuc}  Brier ${fixed(m.brier, 3)}`,
    )
  }
  for (const name of ['duration', 'satisfaction']) {
    const m = scores[name]
    if (m === null) {
      console.log(`  ${name.padEnd(12)}  no model or no surveyed calls`)
    } else {
      console.log(
        `  ${name.padEnd(12)}  MAE ${fixed(m.mae, 3)} (the mean alone: ${fixed(m.mean_baseline_mae, 3)})  R2 ${fixed(m.r2, 3)}`,
      )
    }
  }

  // The versioned model file, and the same predictions from the models read back.
  const saved = models.toBytes()
  const loaded = aa.OutcomeModels.fromBytes(saved)
  const day = '2026-02-01T00:00:00Z'
  const predicted = await models.predict(store, tenant, day, null)
  const reloaded = await loaded.predict(store, tenant, day, null)
  const same = JSON.stringify(predicted) === JSON.stringify(reloaded)
  console.log(`saved: ${saved.length} bytes; the models read back predict the same: ${same}`)
  console.log('the first five calls of 2026-02-01:')
  console.log('  call                    resolved  escalated  duration  satisfaction')
  for (const p of predicted.slice(0, 5)) {
    const satisfaction = p.expected_satisfaction === null ? '-' : fixed(p.expected_satisfaction, 2)
    console.log(
      `  ${p.call_id.padEnd(22)}  ${fixed(p.resolution_probability, 2, 8)}  ${fixed(p.escalation_probability, 2, 9)}` +
        `  ${fixed(p.expected_duration_secs, 0, 6)} s  ${satisfaction.padStart(12)}`,
    )
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
