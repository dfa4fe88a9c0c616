// Journeys: attribution, journey maps, funnels, cohorts, lifetime value and the live tracker.
// The inputs and expected results of tests/fixtures/journey_cases.json are shared with the Python suite.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')

const aa = require('../index.js')
const { expectCode, expectSyncCode, tempDir } = require('./helpers.js')

const ROOT = path.join(__dirname, '..', '..')
const CASES = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'journey_cases.json'), 'utf8'))
const CDNOW = path.join(ROOT, '..', 'shared', 'data', 'cdnow_summary.csv')

function close(actual, expected, tolerance, label) {
  assert.equal(actual.length, expected.length, label)
  actual.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) <= tolerance, `${label}[${i}]: ${x} vs ${expected[i]}`))
}

test('attribution of the hand example', async () => {
  const c = CASES.attribution
  const report = await aa.attribution(c.paths)
  assert.deepEqual(report.channels, c.channels)
  close(report.removal_effects, c.removal_effects, 1e-9, 'removal_effects')
  const linear = report.models.find((m) => m.model === 'linear')
  close(linear.conversions, c.linear_conversions, 1e-12, 'linear conversions')
  close(linear.value, c.linear_value, 1e-12, 'linear value')
  assert.equal(report.models[0].model, 'first_touch')
  assert.ok(report.models.some((m) => m.model === 'markov_1'))
  assert.ok(report.models.some((m) => m.model === 'shapley'))
  for (const model of report.models) close([model.conversions.reduce((a, b) => a + b, 0)], [2], 1e-9, model.model)
})

test('attribution with a separator and options', async () => {
  const paths = CASES.attribution.paths.map((p) => (typeof p.path === 'string' ? { ...p, path: p.path.replace(' > ', '|') } : p))
  const report = await aa.attribution(paths, { separator: '|', markov_order: 2 })
  assert.deepEqual(report.channels, ['a', 'b'])
  assert.ok(report.models.some((m) => m.model === 'markov_2'))
})

test('attributionCsv reads plain and gzip files', async () => {
  const dir = tempDir()
  const text = 'path,total_conversions,total_conversion_value,total_null\na > b,1,10,0\na,0,0,1\nb,1,30,1\n'
  fs.writeFileSync(path.join(dir, 'paths.csv'), text)
  fs.writeFileSync(path.join(dir, 'paths.csv.gz'), zlib.gzipSync(text))
  const expected = await aa.attribution(CASES.attribution.paths)
  assert.deepEqual(await aa.attributionCsv(path.join(dir, 'paths.csv')), expected)
  assert.deepEqual(await aa.attributionCsv(path.join(dir, 'paths.csv.gz')), expected)
  fs.writeFileSync(path.join(dir, 'renamed.csv'), 'journey,conv\na,1\n')
  const renamed = await aa.attributionCsv(path.join(dir, 'renamed.csv'), { path: 'journey', conversions: 'conv', value: null, nulls: null })
  assert.deepEqual(renamed.channels, ['a'])
})

test('attribution errors', async () => {
  await expectCode(aa.attribution([{ path: 'a', conversions: -1 }]), 'InvalidArgument', /paths\[0\]/)
  await expectCode(aa.attribution([{ path: 'a' }]), 'InvalidArgument', /conversions/)
  await expectCode(aa.attribution([], { order: 2 }), 'InvalidArgument', /unknown field `order`/)
  await expectCode(aa.attribution(CASES.attribution.paths, { markov_order: 9 }), 'InvalidArgument')
  await expectCode(aa.attribution('a > b'), 'InvalidArgument', /must be an array/)
  await expectCode(aa.attribution([{ path: 'a', conversions: NaN }]), 'InvalidArgument', /finite/)
  await expectCode(aa.attributionCsv(path.join(ROOT, 'tests', 'fixtures', 'journey_cases.json')), 'InvalidArgument', /no column `path`/)
  await expectCode(aa.attributionCsv('/nonexistent/missing.csv'), 'Io', /missing\.csv/)
})

test('journeyMap variants and edges, and the funnel', async () => {
  const c = CASES.journey_map
  const events = c.events.map((e) => ({ ...e }))
  events[0].timestamp = new Date(Date.UTC(2026, 0, 5, 9, 0))
  const map = await aa.journeyMap(events)
  assert.equal(map.cases, 3)
  assert.equal(map.events, 8)
  assert.deepEqual(map.variants.map((v) => [v.path, v.count]), c.variants.map((v) => [v.path, v.count]))
  assert.deepEqual(Object.fromEntries(map.edges.map((e) => [`${e.from}>${e.to}`, e.count])), c.edges)
  assert.deepEqual(map.start_activities, { visit: 3 })
  assert.deepEqual(map.end_activities, { buy: 3 })
  const steps = await aa.funnel(c.events, c.funnel_stages)
  assert.deepEqual(steps.map((s) => s.cases), c.funnel_cases)
})

test('journeyMapCsv with named columns and gzip', async () => {
  const c = CASES.journey_map
  const lines = ['id,step,at', ...c.events.map((e) => `${e.case},${e.activity},${e.timestamp}`)]
  const file = path.join(tempDir(), 'log.csv.gz')
  fs.writeFileSync(file, zlib.gzipSync(lines.join('\n')))
  const map = await aa.journeyMapCsv(file, { case: 'id', activity: 'step', timestamp: 'at' })
  assert.deepEqual(map, await aa.journeyMap(c.events))
})

test('journeyMap errors', async () => {
  await expectCode(aa.journeyMap([{ case: '1', activity: 'a', timestamp: 'yesterday' }]), 'InvalidArgument', /events\[0\]\.timestamp/)
  await expectCode(aa.journeyMap([{ case: '1', timestamp: '2026-01-01' }]), 'InvalidArgument', /activity/)
  await expectCode(aa.funnel(CASES.journey_map.events, []), 'InvalidArgument', /at least one stage/)
})

test('cohort retention', async () => {
  const c = CASES.cohorts
  const table = await aa.cohorts(c.activities)
  assert.equal(table.period, 'month')
  assert.deepEqual(table.cohorts.map((x) => x.label), c.labels)
  assert.deepEqual(table.cohorts.map((x) => x.size), c.sizes)
  assert.deepEqual(table.cohorts.map((x) => x.retention), c.retention)
  const later = await aa.cohorts(c.activities, 'month', new Date('2026-04-01T00:00:00Z'))
  assert.equal(later.cohorts[0].retention.length, 4)
  await expectCode(aa.cohorts(c.activities, 'year'), 'InvalidArgument', /period/)
  await expectCode(aa.cohorts([{ customer: 'x', timestamp: 'never' }]), 'InvalidArgument', /activities\[0\]/)
})

test('BG/NBD and Gamma-Gamma on CDNOW', { skip: !fs.existsSync(CDNOW) && '../shared/data/cdnow_summary.csv is not beside the repository' }, async () => {
  const customers = fs.readFileSync(CDNOW, 'utf8').trim().split('\n').slice(1).map((row) => {
    const [, frequency, recency, age, monetary] = row.split(',').map(Number)
    return { frequency, recency, age, monetary_value: monetary }
  })
  const params = await aa.fitBgNbd(customers)
  assert.ok(Math.abs(params.r - 0.243) < 0.002, `r = ${params.r}`)
  assert.ok(Math.abs(params.alpha - 4.414) < 0.05, `alpha = ${params.alpha}`)
  const alive = aa.bgNbdProbabilityAlive(params, customers[0])
  assert.ok(alive > 0 && alive <= 1)
  assert.ok(aa.bgNbdExpectedTransactions(params, customers[0], 39) > 0)
  const spenders = customers.filter((c) => c.frequency > 0 && c.monetary_value > 0)
  const spend = await aa.fitGammaGamma(spenders)
  assert.deepEqual(Object.keys(spend).sort(), ['log_likelihood', 'p', 'q', 'v'])
  assert.ok(aa.gammaGammaExpectedSpend(spend, spenders[0]) > 0)
})

test('LTV errors', async () => {
  await expectCode(aa.fitBgNbd([]), 'InvalidArgument', /no customers/)
  await expectCode(aa.fitBgNbd([{ frequency: 1, recency: 1 }]), 'InvalidArgument', /customers\[0\]/)
  await expectCode(aa.fitBgNbd([{ frequency: 1, recency: 5, age: 2, monetary_value: 1 }]), 'InvalidArgument', /customer 1/)
  const params = { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4, log_likelihood: 0 }
  const customer = { frequency: 2, recency: 30, age: 38, monetary_value: 22 }
  expectSyncCode(() => aa.bgNbdExpectedTransactions(params, customer, -1), 'InvalidArgument', /t must be/)
  expectSyncCode(() => aa.bgNbdProbabilityAlive({ r: 1 }, customer), 'InvalidArgument', /params/)
  expectSyncCode(() => aa.bgNbdProbabilityAlive({ r: 0.24, alpha: 4.4, a: 1, b: 2.4, log_likelihood: 0 }, customer), 'InvalidArgument', /params: a must not be exactly 1/)
  expectSyncCode(() => aa.bgNbdProbabilityAlive({ r: 0.24, alpha: 4.4, a: 0.79, b: 2.4, log_likelihood: 0 }, { ...customer, frequency: -3 }), 'InvalidArgument', /customer: needs finite frequency/)
})

function event(id, customer, action, timestamp, extra = {}) {
  return { id, customer_id: customer, action, timestamp, ...extra }
}

function makeTracker(hook) {
  return new aa.JourneyTracker(CASES.tracker.config, CASES.tracker.history, hook)
}

test('JourneyTracker risk, next best action and retention hook', () => {
  const c = CASES.tracker
  const seen = []
  const tracker = makeTracker((update) => seen.push(update))
  const first = tracker.track(event('e1', 'c1', 'visit', '2026-03-01T10:00:00Z', { channel: 'web' }))
  close([first.abandonment_risk], [c.visit_risk], 1e-12, 'visit risk')
  assert.equal(first.next_best_action, c.visit_next_best_action)
  assert.equal(first.touchpoints, 1)
  assert.equal(first.retention_triggered, false)
  assert.deepEqual(seen, [])
  const second = tracker.track(event('e2', 'c1', 'support', new Date(Date.UTC(2026, 2, 1, 10, 5)), { sentiment: -0.5 }))
  close([second.abandonment_risk], [c.support_risk], 1e-12, 'support risk')
  assert.equal(second.retention_triggered, true)
  assert.deepEqual(seen, [second])
  assert.equal(tracker.openJourneys(), 1)
  assert.equal(tracker.track(event('e2', 'c1', 'support', '2026-03-01T10:05:00Z')).duplicate, true)
  const done = tracker.track(event('e3', 'c1', 'purchase', '2026-03-01T10:09:00Z'))
  assert.equal(done.ended, 'converted')
  assert.equal(done.abandonment_risk, 0)
  assert.equal(tracker.openJourneys(), 0)
  tracker.track(event('e4', 'c2', 'visit', '2026-03-01T10:00:00Z'))
  assert.deepEqual(tracker.evictIdle('2026-05-01T00:00:00Z'), ['c2'])
  assert.equal(tracker.openJourneys(), 0)
})

test('JourneyTracker defaults and a throwing hook', () => {
  const plain = new aa.JourneyTracker()
  assert.equal(plain.track(event('e1', 'c', 'visit', '2026-03-01')).abandonment_risk, 1)
  const tracker = makeTracker(() => {
    throw new Error('retention service down')
  })
  assert.throws(() => tracker.track(event('e1', 'c1', 'support', '2026-03-01T10:00:00Z')), /retention service down/)
  assert.equal(tracker.openJourneys(), 1)
})

test('JourneyTracker bad input', () => {
  expectSyncCode(() => new aa.JourneyTracker({ retention_risk_threshold: 2 }), 'InvalidArgument', /retention risk threshold/)
  expectSyncCode(() => new aa.JourneyTracker({ threshold: 0.5 }), 'InvalidArgument', /unknown field/)
  expectSyncCode(() => new aa.JourneyTracker(null, null, 42), 'InvalidArgument', /must be a function/)
  const tracker = new aa.JourneyTracker()
  expectSyncCode(() => tracker.track({ id: 'e', action: 'visit', timestamp: '2026-03-01' }), 'InvalidArgument', /customer_id/)
  expectSyncCode(() => tracker.track(event('e', 'c', 'visit', '2026-03-01', { sentiment: 3 })), 'InvalidArgument', /sentiment/)
  expectSyncCode(() => tracker.track(event('e', 'c', 'visit', 'later')), 'InvalidArgument', /timestamp/)
  expectSyncCode(() => tracker.evictIdle(42), 'InvalidArgument', /now/)
})

function checkSegments(comparison) {
  const c = CASES.segments
  assert.equal(comparison.cases, 4)
  assert.deepEqual(comparison.segments.map((s) => s.segment), c.expected.map((e) => e.segment))
  comparison.segments.forEach((summary, i) => {
    const expected = c.expected[i]
    assert.equal(summary.cases, expected.cases)
    assert.equal(summary.converted, expected.converted)
    assert.equal(summary.conversion_rate, expected.conversion_rate)
    assert.deepEqual(summary.funnel.map((s) => s.cases), expected.funnel_cases)
    assert.deepEqual(summary.variants[0].path, expected.top_path)
    assert.equal(summary.drop_offs.length ? summary.drop_offs[0].activity : null, expected.first_drop_off)
    assert.equal(summary.durations.max, expected.max_duration)
  })
}

test('journeySegments side by side, from events and from CSV', async () => {
  const c = CASES.segments
  checkSegments(await aa.journeySegments(c.events, c.options))
  const dir = tempDir()
  const file = path.join(dir, 'log.csv')
  const lines = ['case_id,activity,timestamp,source'].concat(
    c.events.map((e) => `${e.case},${e.activity},${e.timestamp},${e.segment ?? ''}`))
  fs.writeFileSync(file, lines.join('\n') + '\n')
  checkSegments(await aa.journeySegmentsCsv(file, 'source', null, c.options))
  await expectCode(aa.journeySegments(c.events, { funnel: [''] }), 'InvalidArgument', /stage/)
  await expectCode(aa.journeySegmentsCsv(file, 'nope'), 'InvalidArgument', /nope/)
})

test('JourneyTracker.fromStore learns from the tenant\'s journeys', async () => {
  const c = CASES.tracker_from_store
  const store = aa.Store.memory()
  await store.ingest(c.records)
  const seen = []
  const tracker = await aa.JourneyTracker.fromStore(store, c.tenant, null, null, null, (u) => seen.push(u))
  const update = tracker.track(event('n1', 'new', 'visit', '2026-02-01T09:00:00Z'))
  assert.ok(Math.abs(update.abandonment_risk - c.visit_risk) < 1e-12)
  assert.equal(update.next_best_action, c.visit_next_best_action)
  assert.equal(tracker.track(event('n2', 'new', 'support', '2026-02-01T09:05:00Z')).retention_triggered, true)
  assert.equal(seen.length, 1)
  await expectCode(aa.JourneyTracker.fromStore(store, 'nobody'), 'InvalidArgument', /no journey events/)
  await expectCode(aa.JourneyTracker.fromStore(store, c.tenant, null, null, '2025-01-01T00:00:00Z'), 'InvalidArgument', /no journey events/)
})

test('journeys and their paths', async () => {
  const c = CASES.journeys
  const journeys = await aa.journeys(c.events, c.config)
  assert.deepEqual(
    journeys.map((j) => ({ case: j.case, customer_id: j.customer_id, end: j.end, event_ids: j.events.map((e) => e.id) })),
    c.journeys,
  )
  assert.equal(journeys[0].events[1].value, 40)
  const paths = await aa.journeyPaths(c.events, c.config)
  assert.deepEqual(paths, c.paths)
  const report = await aa.attribution(paths)
  assert.deepEqual(report.channels, ['web', 'email', 'call'])
})

test('journeys errors', async () => {
  await expectCode(aa.journeys([{ id: 'e1' }]), 'InvalidArgument', /events\[0\]/)
  await expectCode(aa.journeyPaths([], { inactivity: 1 }), 'InvalidArgument', /unknown field/)
  await expectCode(aa.journeys('events'), 'InvalidArgument', /must be an array/)
  await expectCode(aa.journeyPaths([], 'config'), 'InvalidArgument')
})
