// Forecasting, anomaly detection and staffing from Node: the same functions and result shapes as Python.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const aa = require('../index.js')
const { expectCode, expectSyncCode } = require('./helpers.js')

function dailyCycle(hours, start = 0) {
  const out = []
  for (let h = start; h < start + hours; h++) {
    out.push(50 + 20 * Math.sin(((h % 24) / 24) * 2 * Math.PI) + ((h * 7919) % 11) * 0.2)
  }
  return out
}

test('a forecast of plain values has nested intervals per level', async () => {
  const result = await aa.forecast(dailyCycle(24 * 14), 24, { periods: [24], levels: [80, 95] })
  assert.deepEqual(result.periods, [24])
  assert.deepEqual(result.columns, ['step', 'timestamp', 'point', 'lower_80', 'upper_80', 'lower_95', 'upper_95'])
  assert.equal(result.rows.length, 24)
  assert.equal(result.rows[0].step, 1)
  assert.equal(result.rows[0].timestamp, null)
  for (const row of result.rows) {
    assert.ok(row.lower_95 <= row.lower_80 && row.lower_80 <= row.point && row.point <= row.upper_80 && row.upper_80 <= row.upper_95)
  }
  assert.ok(Math.abs(result.rows[6].point - dailyCycle(1, 24 * 14 + 6)[0]) < 5)
})

test('prophet is a model option of builds with the feature', async () => {
  // The default addon is built without the `prophet` feature: asking for it is a typed error
  // naming the feature. An addon built with it (`napi build --features prophet`) forecasts.
  const values = dailyCycle(24 * 14)
  let result
  try {
    result = await aa.forecast(values, 24, { model: 'prophet', periods: [24] })
  } catch (error) {
    assert.equal(error.code, 'InvalidArgument')
    assert.match(error.message, /needs the `prophet` cargo feature/)
  }
  if (result !== undefined) {
    assert.equal(result.model, 'Prophet (periods 24)')
    assert.equal(result.rows.length, 24)
  }
  await expectCode(aa.forecast(values, 24, { model: 'arima' }), 'InvalidArgument', /unknown variant `arima`/)
})

test('volatility scaling widens intervals after a turbulent day', async () => {
  const values = dailyCycle(24 * 14)
  for (let h = 24 * 13; h < 24 * 14; h++) values[h] += h % 2 ? 15 : -15
  const width = async (scaling) => {
    const { rows } = await aa.forecast(values, 24, { periods: [24], volatility_scaling: scaling })
    return rows[0].upper_80 - rows[0].lower_80
  }
  const [scaled, plain] = [await width(true), await width(false)]
  assert.ok(scaled > 1.2 * plain, `${scaled} vs ${plain}`)
})

test('a lower bound raises the forecast and its bounds to it', async () => {
  const values = []
  for (let h = 0; h < 24 * 28; h++) {
    const day = Math.sin((Math.PI * ((h % 24) - 6)) / 14)
    values.push(Math.max(0, 40 * day) + (day > 0 ? ((h * 7919) % 13) * 0.5 : 0))
  }
  const options = { periods: [24, 168] }
  const free = (await aa.forecast(values, 48, options)).rows
  const bounded = (await aa.forecast(values, 48, { ...options, lower_bound: 0 })).rows
  assert.ok(free.some((row) => row.lower_95 < 0))
  free.forEach((row, i) => {
    for (const key of ['point', 'lower_80', 'upper_80', 'lower_95', 'upper_95']) {
      assert.equal(bounded[i][key], Math.max(row[key], 0))
    }
  })
  await expectCode(aa.forecast(values, 48, { ...options, lower_bound: 'zero' }), 'InvalidArgument')
})

test('a calendar forecasts a holiday like a weekend day', async () => {
  // Ten weeks of daily calls from a Monday: about 100 on weekdays, 20 at weekends.
  const values = []
  const calendar = []
  for (let day = 0; day < 77; day++) {
    const weekday = day % 7 < 5
    if (day < 70) values.push((weekday ? 100 : 20) + (day % 3))
    calendar.push(day === 72 ? 0 : weekday)
  }
  const result = await aa.forecast(values, 7, { periods: [7], calendar })
  assert.ok(Math.abs(result.rows[2].point - 21) < 5, `${result.rows[2].point}`)
  assert.ok(Math.abs(result.rows[1].point - 101) < 5, `${result.rows[1].point}`)
  assert.match(result.model, /1 ahead/)
  await expectCode(aa.forecast(values, 7, { periods: [7], calendar: calendar.slice(1) }), 'InvalidArgument', /options\.calendar: 76 flags/)
  await expectCode(aa.forecast(values, 7, { periods: [7], calendar: calendar.map(() => 2) }), 'InvalidArgument', /options\.calendar\[0\]/)

  // With timestamps, rows ahead (here twice a day) reach their forecast steps by time.
  const monday = Date.UTC(2026, 0, 5)
  const hour = 3600 * 1000
  const timestamps = values.map((_, day) => new Date(monday + day * 24 * hour))
  const flags = calendar.slice(0, 70)
  for (let half = 0; half < 14; half++) {
    timestamps.push(new Date(monday + (140 + half) * 12 * hour))
    flags.push(calendar[70 + Math.floor(half / 2)])
  }
  const timed = await aa.forecast(values, 7, { periods: [7], calendar: flags, timestamps })
  for (let step = 0; step < 7; step++) {
    assert.equal(Math.round(timed.rows[step].point), Math.round(result.rows[step].point), `step ${step}`)
  }
  await expectCode(aa.forecast(values, 7, { periods: [7], timestamps }), 'InvalidArgument', /84 timestamps for 70 values/)
})

test('timestamped values are resampled onto a grid', async () => {
  const start = Date.UTC(2024, 2, 4)
  const timestamps = []
  const values = []
  for (let h = 0; h < 24 * 14; h++) {
    if (h === 50) continue
    timestamps.push(new Date(start + h * 3600e3))
    values.push(dailyCycle(1, h)[0])
  }
  const result = await aa.forecast(values, 12, { timestamps, fill: 'linear' })
  assert.equal(result.rows.length, 12)
  assert.equal(Date.parse(result.rows[0].timestamp), start + 24 * 14 * 3600e3)
  assert.deepEqual(result.periods, [24])
})

test('bad input is refused with InvalidArgument', async () => {
  await expectCode(aa.forecast([1, 2, 3], 1), 'InvalidArgument', /at least/)
  await expectCode(aa.forecast([1, 2, NaN, ...Array(30).fill(1)], 1), 'InvalidArgument', /finite/)
  await expectCode(aa.forecast(dailyCycle(100), 0), 'InvalidArgument', /horizon/)
  await expectCode(aa.forecast(dailyCycle(100), 3, { levelz: [80] }), 'InvalidArgument', /unknown field/)
  await expectCode(aa.forecast(dailyCycle(100), 1.5), 'InvalidArgument', /whole number/)
  expectSyncCode(() => aa.staffing([10], { model: 'erlang_a' }), 'InvalidArgument', /patience_secs/)
  expectSyncCode(() => new aa.AnomalyMonitor({ threshold: 2 }), 'InvalidArgument')
})

test('batch and streaming anomaly detection agree on a spike', async () => {
  const values = dailyCycle(24 * 7)
  values[150] += 60
  const options = { periods: [24], warm_up: 96, refit_every: 24 }
  const intervals = await aa.detectAnomalies(values, options)
  assert.ok(intervals.some((i) => i.start <= 150 && 150 < i.end && i.direction === 'above'))
  const monitor = new aa.AnomalyMonitor(options)
  const verdicts = values.map((v) => monitor.observe(v))
  assert.ok(verdicts.slice(0, 96).every((v) => v === null))
  assert.ok(verdicts[150].anomalous && verdicts[150].probability >= 0.99)
  assert.ok(monitor.historyLen > 0)
  expectSyncCode(() => monitor.observe(Infinity), 'InvalidArgument')
})

test('staffing matches the Erlang C textbook and accepts Erlang A', () => {
  const [row] = aa.staffing([100], { interval_secs: 1800, aht_secs: 180 })
  assert.equal(row.agents, 14)
  assert.ok(row.service_level >= 0.8 && Math.abs(row.occupancy - 10 / 14) < 1e-9)
  assert.ok(Math.abs(row.expected_wait_secs - 7.84) < 0.01)
  const [a] = aa.staffing([100], { interval_secs: 1800, aht_secs: 180, model: 'erlang_a', patience_secs: 120 })
  assert.ok(a.agents <= 14 && a.probability_of_abandoning > 0)
})
