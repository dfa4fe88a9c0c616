// Prediction: classifyCsv, OutcomeModels on a store, callFeatures, save and load.
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

before(async () => {
  const output = await aa.simulate({ tenants: 1, days: 3, calls_per_day: 120, anomaly_days: 0 })
  store = aa.Store.memory()
  await store.ingest(output.records)
  tenant = (await store.tenantIds())[0]
  models = await aa.OutcomeModels.train(store, tenant, null, null, { trees: 10 })
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
