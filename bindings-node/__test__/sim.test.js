// The simulator: determinism, defaults, the JSON Lines form, and config errors.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const { aa, expectCode } = require('./helpers.js')

const SMALL = { seed: 7, tenants: 2, days: 2, calls_per_day: 20, journeys_per_day: 5, anomaly_days: 1 }

function kinds(records) {
  const counts = {}
  for (const r of records) counts[r.type] = (counts[r.type] ?? 0) + 1
  return counts
}

test('the same config gives the same output and another seed differs', async () => {
  const first = await aa.simulate(SMALL)
  assert.deepEqual(await aa.simulate({ ...SMALL }), first)
  assert.notDeepEqual((await aa.simulate({ ...SMALL, seed: 8 })).records, first.records)
  assert.equal(await aa.simulateJsonl(SMALL), await aa.simulateJsonl(SMALL))
  assert.notEqual(await aa.simulateJsonl({ ...SMALL, seed: 8n }), await aa.simulateJsonl(SMALL))
})

test('the output has records of every type and the ground truth', async () => {
  const out = await aa.simulate(SMALL)
  assert.deepEqual(Object.keys(out).sort(), ['records', 'truth'])
  const counts = kinds(out.records)
  assert.equal(counts.tenant, 2)
  assert.ok(counts.call > 0 && counts.utterance > counts.call)
  assert.ok(counts.journey_event > 0 && counts.metric > 0)
  assert.deepEqual(Object.keys(out.truth).sort(), ['agents', 'anomalies', 'calls', 'escalation_triggers', 'journeys'])
  const callIds = out.records.filter((r) => r.type === 'call').map((r) => r.id)
  assert.deepEqual(out.truth.calls.map((c) => c.call_id), callIds)
  assert.equal(out.truth.anomalies.length, 2)
  assert.equal(out.truth.agents.length, 2 * 24)
})

test('simulateJsonl has the same records as simulate', async () => {
  const { records } = await aa.simulate(SMALL)
  const text = await aa.simulateJsonl(SMALL)
  assert.equal(typeof text, 'string')
  assert.ok(text.endsWith('\n'))
  const lines = text.trimEnd().split('\n')
  assert.equal(lines.length, records.length)
  assert.deepEqual(lines.map((line) => JSON.parse(line)), records)
})

test('simulated JSON Lines are ingested whole', async () => {
  const store = aa.Store.memory()
  const text = await aa.simulateJsonl(SMALL)
  const report = await store.ingestJsonl(text)
  assert.deepEqual(report.rejected, [])
  assert.equal(report.written.inserted, text.trimEnd().split('\n').length)
  assert.equal((await store.tenantIds()).length, 2)
})

test('omitted fields take the Rust defaults', async () => {
  const config = { days: 1, calls_per_day: 5, journeys_per_day: 0, anomaly_days: 0 }
  const out = await aa.simulate(config)
  const counts = kinds(out.records)
  assert.equal(counts.tenant, 2)
  assert.equal(counts.journey_event, undefined)
  const starts = out.records.filter((r) => r.type === 'call').map((r) => r.started_at)
  assert.ok(starts.length > 0 && starts.every((s) => s.startsWith('2026-01-05')))
  assert.deepEqual(await aa.simulate({ ...config, seed: 42, tenants: undefined }), out)
})

test('start takes a Date or an ISO-8601 string, as in Python', async () => {
  const config = { days: 1, calls_per_day: 5, journeys_per_day: 0, anomaly_days: 0 }
  const expected = await aa.simulateJsonl({ ...config, start: '2026-02-02T00:00:00Z' })
  assert.ok(expected.includes('"started_at":"2026-02-02T'))
  for (const start of ['2026-02-02T01:00:00+01:00', '2026-02-02', '2026-02-02 00:00', new Date(Date.UTC(2026, 1, 2))]) {
    assert.equal(await aa.simulateJsonl({ ...config, start }), expected)
  }
})

test('invalid configs reject with code InvalidArgument', async () => {
  const cases = [
    [{ tenants: 0 }, /tenants must be between 1 and 1000/],
    [{ days: 2, anomaly_days: 3 }, /anomaly_days \(3\) cannot exceed days \(2\)/],
    [{ calls_per_tenant: 5 }, /unknown field `calls_per_tenant`/],
    [{ days: 'two' }, /config: days: invalid type: string/],
    [{ seed: -1 }, /config: seed: invalid value/],
    [{ seed: 2n ** 64n }, /config: seed: is a BigInt outside the 64-bit integer range/],
    [{ tenants: 1.5 }, /config: tenants: invalid type: floating point/],
    [{ seed: null }, /config: seed: invalid type: null/],
    [{ seed: NaN }, /config: seed: must be a finite number/],
    [{ start: 'next monday' }, /config\.start: "next monday" is not an ISO-8601 date/],
    [{ start: new Date('nope') }, /config: start: is an invalid Date/],
    [{ start: 20260105 }, /config: start: invalid type: integer/],
    [{ tenants: 1000, days: 3660, calls_per_day: 300 }, /over the limit/],
  ]
  for (const [config, pattern] of cases) {
    const pending = aa.simulate(config)
    assert.ok(pending instanceof Promise, 'bad arguments reject rather than throw')
    await expectCode(pending, 'InvalidArgument', pattern)
    await expectCode(aa.simulateJsonl(config), 'InvalidArgument', pattern)
  }
  await expectCode(aa.simulate('seed=1'), 'InvalidArgument', /config must be an object, got string/)
  await expectCode(aa.simulate([['seed', 1]]), 'InvalidArgument', /config must be an object, got an array/)
})
