// Prediction: classifyCsv / classifyTable, regressCsv / regressTable, OutcomeModels and CustomerModels on a store, call and
// customer features, save and load.
// The same checks run in the Python suite (tests/test_predict.py).
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const aa = require('../index.js')
const { expectCode, tempDir } = require('./helpers.js')

let store
let tenant
let models
let customerStore
let customerModels

/** Midnight UTC of day `n` of the simulated window (which starts on 2026-01-05). */
const day = (n) => new Date(Date.UTC(2026, 0, 5 + n))

before(async () => {
  const output = await aa.simulate({ tenants: 1, days: 3, calls_per_day: 120, anomaly_days: 0 })
  store = aa.Store.memory()
  await store.ingest(output.records)
  tenant = (await store.tenantIds())[0]
  models = await aa.OutcomeModels.train(store, tenant, null, null, { trees: 10 })
  // Two weeks of journeys: enough customers churn and upgrade after a snapshot on day 6.
  const weeks = await aa.simulate({ tenants: 1, days: 14, calls_per_day: 60, anomaly_days: 0 })
  customerStore = aa.Store.memory()
  await customerStore.ingest(weeks.records)
  customerModels = await aa.CustomerModels.train(customerStore, tenant, day(6), { horizon_days: 4 }, { trees: 10 })
})

function separableCsv() {
  const lines = ['x,colour,label']
  for (let i = 0; i < 60; i++) {
    lines.push(`${i % 2 === 0 ? i : -i},${i % 3 === 0 ? 'red' : ''},${i % 2 === 0 ? 'yes' : 'no'}`)
  }
  return lines.join('\n') + '\n'
}

test('classifyCsv mirrors the CLI report', async () => {
  const file = path.join(tempDir(), 'data.csv')
  fs.writeFileSync(file, separableCsv())
  const report = await aa.classifyCsv(file, 'label', 3, { trees: 20 })
  assert.equal(report.rows, 60)
  assert.equal(report.folds.length, 3)
  assert.deepEqual(report.classes, ['no', 'yes'])
  assert.deepEqual(report.columns.map((c) => c.kind), ['numeric', 'categorical'])
  assert.ok(report.mean_accuracy > 0.9)
  await expectCode(aa.classifyCsv(file, 'nope'), 'Predict')
  await expectCode(aa.classifyCsv(file, 'label', 3, { tres: 1 }), 'InvalidArgument', /tres/)
})

test('classifyTable takes row objects or columns, typed as classifyCsv types a CSV', async () => {
  const rows = []
  for (let i = 0; i < 60; i++) {
    rows.push({ x: i % 2 === 0 ? i : -i, colour: i % 3 === 0 ? 'red' : null, label: i % 2 === 0 ? 'yes' : 'no' })
  }
  const report = await aa.classifyTable(rows, 'label', 3, { trees: 20 })
  const file = path.join(tempDir(), 'same.csv')
  fs.writeFileSync(file, separableCsv())
  const fromCsv = await aa.classifyCsv(file, 'label', 3, { trees: 20 })
  assert.deepEqual([report.rows, report.columns, report.classes], [fromCsv.rows, fromCsv.columns, fromCsv.classes])
  assert.ok(report.mean_accuracy > 0.9)
  const columns = {
    x: rows.map((r) => r.x),
    colour: rows.map((r, i) => (i % 3 === 0 ? r.colour : Number.NaN)),
    label: rows.map((r) => r.label),
  }
  const byColumns = await aa.classifyTable(columns, 'label', 3, { trees: 20 })
  assert.deepEqual(byColumns.columns, fromCsv.columns)
  await expectCode(aa.classifyTable(rows, 'target'), 'Predict', /target/)
  await expectCode(aa.classifyTable({ x: [1, 2], label: ['a'] }, 'label'), 'InvalidArgument', /table\.label has 1 values/)
  await expectCode(aa.classifyTable([{ x: Infinity, label: 'a' }], 'label'), 'InvalidArgument', /table\[0\]\.x must be a finite number/)
  await expectCode(aa.classifyTable('x,label', 'label'), 'InvalidArgument', /table must be an array/)
  await expectCode(aa.classifyTable(rows, 'label', 3, { tres: 1 }), 'InvalidArgument', /tres/)
})

/** Seconds grow by 60 a hold, plus 60 on the phone; `noise` carries nothing. */
function handleTimeRows() {
  const rows = []
  for (let i = 0; i < 90; i++) {
    const holds = i % 8
    const channel = ['phone', 'chat', null][i % 3]
    const seconds = 120 + 60 * holds + (channel === 'phone' ? 60 : 0)
    rows.push({ holds, channel, noise: (i * 7) % 11, seconds })
  }
  return rows
}

test('regressCsv and regressTable agree', async () => {
  const rows = handleTimeRows()
  const lines = ['holds,channel,noise,seconds'].concat(
    rows.map((r) => `${r.holds},${r.channel ?? ''},${r.noise},${r.seconds}`),
  )
  const file = path.join(tempDir(), 'data.csv')
  fs.writeFileSync(file, lines.join('\n') + '\n')
  const settings = { trees: 30, seed: 3, feature_fraction: 1.0 }
  const report = await aa.regressCsv(file, 'seconds', 3, settings)
  assert.equal(report.rows, 90)
  assert.equal(report.folds.length, 3)
  assert.equal(report.folds.reduce((sum, f) => sum + f.test_rows, 0), 90)
  assert.deepEqual(report.columns.map((c) => c.kind), ['numeric', 'categorical', 'numeric'])
  assert.ok(report.mean_r2 > 0.9)
  assert.ok(report.pooled.mae < report.pooled.mean_baseline_mae / 4)
  // The same rows as row objects: the same folds, forests and metrics.
  const table = await aa.regressTable(rows, 'seconds', 3, settings)
  assert.deepEqual(table.pooled, report.pooled)
  assert.deepEqual(report.importance, [])
  const ranked = await aa.regressTable(rows, 'seconds', 3, { ...settings, importance_repeats: 2 })
  assert.deepEqual(ranked.importance.map((f) => f.column), ['holds', 'channel', 'noise'])
  await expectCode(aa.regressTable([{ x: 1, y: 'high' }, { x: 2, y: 'low' }], 'y', 2), 'Predict', /not a number/)
  await expectCode(aa.regressCsv(file, 'seconds', 91), 'Predict')
  await expectCode(aa.regressTable(rows, 'minutes'), 'Predict', /minutes/)
})

test('OutcomeModels predict, evaluate and round-trip through bytes and files', async () => {
  const predictions = await models.predict(store, tenant)
  assert.ok(predictions.length > 300)
  assert.ok(predictions.every((p) => p.escalation_probability >= 0 && p.escalation_probability <= 1))
  const evaluation = await models.evaluate(store, tenant)
  assert.equal(evaluation.calls, predictions.length)
  assert.ok(evaluation.escalation.roc_auc > 0.8)
  assert.ok(evaluation.duration.mae > 0)
  const again = await aa.OutcomeModels.fromBytes(models.toBytes()).predict(store, tenant)
  assert.deepEqual(again, predictions)
  const file = path.join(tempDir(), 'models.json')
  models.save(file)
  assert.deepEqual(await aa.OutcomeModels.load(file).predict(store, tenant), predictions)
  assert.equal(typeof models.hasSatisfaction, 'boolean')
})

test('a mismatched schema and bad model files are typed errors', async () => {
  const renamed = Buffer.from(models.toBytes().toString('utf8').replaceAll('"hour_of_day"', '"hour_of_the_day"'))
  await expectCode(aa.OutcomeModels.fromBytes(renamed).predict(store, tenant), 'Predict', /schema mismatch/)
  assert.throws(() => aa.OutcomeModels.fromBytes('{"format": "aybiza-forest", "format_version": 99, "kind": "outcome_models", "model": {}}'),
    (error) => error.code === 'Predict')
  assert.throws(() => aa.OutcomeModels.fromBytes(Buffer.from([0xff, 0xfe])), (error) => error.code === 'InvalidArgument')
  await expectCode(aa.OutcomeModels.train(store, 'nobody'), 'InvalidArgument', /no calls/)
})

test('callFeatures lists the features of every call', async () => {
  const context = await aa.callFeatures(store, tenant, null, null, 'context')
  assert.ok('hour_of_day' in context[0] && !('turns' in context[0]))
  const full = await aa.callFeatures(store, tenant)
  assert.equal(full.length, context.length)
  assert.ok('turns' in full[0])
  await expectCode(aa.callFeatures(store, tenant, null, null, 'everything'), 'InvalidArgument', /feature set/)
})

test('CustomerModels predict, evaluate and round-trip through bytes and files', async () => {
  assert.ok(customerModels.hasChurn && customerModels.hasUpsell)
  assert.equal(customerModels.labels.horizon_days, 4)
  assert.ok(customerModels.labels.upsell_actions.includes('upgrade_plan'))
  const predictions = await customerModels.predict(customerStore, tenant, day(10))
  assert.ok(predictions.length > 500)
  assert.ok(predictions.every((p) => p.churn_probability >= 0 && p.churn_probability <= 1 &&
    p.upsell_probability >= 0 && p.upsell_probability <= 1))
  // A later snapshot, whose label window (days 10 to 14) training did not see.
  const evaluation = await customerModels.evaluate(customerStore, tenant, '2026-01-15T00:00:00Z')
  assert.equal(evaluation.customers, predictions.length)
  assert.ok(evaluation.churned > 0 && evaluation.upgraded > 0)
  assert.ok(evaluation.churn.roc_auc > 0.6)
  assert.deepEqual(await aa.CustomerModels.fromBytes(customerModels.toBytes()).predict(customerStore, tenant, day(10)), predictions)
  const file = path.join(tempDir(), 'customers.json')
  customerModels.save(file)
  assert.deepEqual(await aa.CustomerModels.load(file).predict(customerStore, tenant, day(10)), predictions)
  const features = await aa.customerFeatures(customerStore, tenant, day(10))
  assert.deepEqual(features.map((f) => f.customer_id), predictions.map((p) => p.customer_id))
  assert.ok('recent_events' in features[0])
})

test('CustomerModels refuse a mismatched schema and bad input with typed errors', async () => {
  const renamed = Buffer.from(customerModels.toBytes().toString('utf8').replaceAll('"recent_events"', '"recent_evts"'))
  await expectCode(aa.CustomerModels.fromBytes(renamed).predict(customerStore, tenant, day(10)), 'Predict', /schema mismatch/)
  assert.throws(() => aa.CustomerModels.fromBytes(models.toBytes()), (error) => error.code === 'Predict' && /outcome_models/.test(error.message))
  await expectCode(aa.CustomerModels.train(customerStore, tenant, day(6), { horizon: 3 }), 'InvalidArgument', /horizon/)
  await expectCode(aa.CustomerModels.train(customerStore, tenant, day(6), { horizon_days: 0 }), 'Predict', /horizon_days/)
  await expectCode(aa.CustomerModels.train(customerStore, tenant, day(6), { churn_actions: ['never'], upsell_actions: ['never'] }),
    'Predict', /0 churned and 0 upgraded/)
  await expectCode(aa.CustomerModels.train(customerStore, 'nobody', day(6)), 'InvalidArgument', /no calls or journey events/)
  await expectCode(aa.CustomerModels.train(customerStore, tenant, null), 'InvalidArgument', /asOf/)
  await expectCode(aa.customerFeatures(customerStore, tenant, 'not a date'), 'InvalidArgument', /asOf/)
})
