// Classifier and Regressor on tables: fit, predict, save and load, bad input.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const aa = require('../index.js')
const { tempDir } = require('./helpers.js')

function trainingRows() {
  const rows = []
  for (let i = 0; i < 60; i++) {
    const x = i % 10
    rows.push({ x, colour: ['red', 'blue', 'green'][i % 3], label: x >= 5 ? 'yes' : 'no', y: 2 * x })
  }
  return rows
}

const withoutY = () => trainingRows().map(({ y, ...rest }) => rest)

test('a classifier fits rows, predicts new rows and round-trips', async () => {
  const model = await aa.Classifier.fit(withoutY(), 'label', { trees: 20, seed: 3 })
  assert.deepEqual(model.classes, ['no', 'yes'])
  assert.ok(model.featureNames.includes('x'))
  // Columns in another order, an extra id, a missing colour.
  const fresh = [{ id: 'a', colour: 'red', x: 1 }, { id: 'b', colour: null, x: 9 }]
  const predictions = await model.predict(fresh)
  assert.deepEqual(predictions.predicted, ['no', 'yes'])
  for (const p of predictions.probabilities) {
    assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-9)
  }
  assert.deepEqual(await aa.Classifier.fromBytes(model.toBytes()).predict(fresh), predictions)
  const file = path.join(tempDir(), 'model.json')
  model.save(file)
  assert.deepEqual(await aa.Classifier.load(file).predict(fresh), predictions)
})

test('a regressor fits columns and predicts', async () => {
  const rows = trainingRows()
  const model = await aa.Regressor.fit({ x: rows.map((r) => r.x), y: rows.map((r) => r.y) }, 'y', { trees: 20, seed: 3 })
  const values = await model.predict({ x: [0, 9] })
  assert.ok(values[0] < 4 && values[1] > 14, `${values}`)
  assert.deepEqual(await aa.Regressor.fromBytes(model.toBytes()).predict({ x: [0, 9] }), values)
  assert.deepEqual(model.featureNames, ['x'])
})

test('bad tables and files are typed errors', async () => {
  const model = await aa.Classifier.fit(withoutY(), 'label', { trees: 5 })
  await assert.rejects(model.predict({ x: [1] }), { code: 'Predict', message: /no column named "colour"/ })
  await assert.rejects(model.predict({ x: ['high'], colour: ['red'] }), { code: 'Predict', message: /numeric column/ })
  await assert.rejects(aa.Classifier.fit(trainingRows(), 'missing'), { code: 'Predict', message: /no column named/ })
  await assert.rejects(aa.Regressor.fit(trainingRows(), 'label'), { code: 'Predict', message: /not a number/ })
  assert.throws(() => aa.Regressor.fromBytes(model.toBytes()), { code: 'Predict', message: /is a classifier, not a regressor/ })
  await assert.rejects(aa.Classifier.fit(trainingRows(), 'label', { tree: 5 }), { code: 'InvalidArgument' })
})
