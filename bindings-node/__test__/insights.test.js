// Statistical insights: segments that differ and changes against the previous period.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')

const { aa, expectCode } = require('./helpers.js')

const SIM = { seed: 9, tenants: 1, days: 14, calls_per_day: 80, journeys_per_day: 0, anomaly_days: 0 }

let store
let tenant
before(async () => {
  store = aa.Store.memory()
  assert.deepEqual((await store.ingestJsonl(await aa.simulateJsonl(SIM))).rejected, [])
  tenant = (await store.tenantIds())[0]
})

test('insights are ranked and backed by tests', async () => {
  const insights = await aa.generateInsights(store, tenant)
  assert.ok(insights.length > 0, "the simulator's queues differ")
  const impacts = insights.map((i) => i.impact)
  assert.deepEqual(impacts, [...impacts].sort((a, b) => b - a))
  for (const insight of insights) {
    assert.equal(insight.kind, 'segment_outlier')
    assert.ok(['queue', 'channel', 'agent'].includes(insight.segment.dimension))
    assert.ok(insight.impact >= 0 && insight.impact <= 1)
    assert.ok(insight.evidence.q_value <= 0.05)
  }
})

test('a strict false discovery rate keeps a subset', async () => {
  const strict = await aa.generateInsights(store, tenant, null, null, {
    false_discovery_rate: 1e-6,
    max_insights: 50,
  })
  const all = await aa.generateInsights(store, tenant, null, null, { max_insights: 50 })
  const titles = new Set(all.map((i) => i.title))
  assert.ok(strict.every((i) => titles.has(i.title)))
})

test('bad options reject with InvalidArgument', async () => {
  await expectCode(aa.generateInsights(store, tenant, null, null, { false_discovery_rate: 2 }), 'InvalidArgument')
  await expectCode(aa.generateInsights(store, tenant, null, null, { fdr: 0.1 }), 'InvalidArgument')
  await expectCode(aa.generateInsights(store, ''), 'InvalidArgument')
  assert.deepEqual(await aa.generateInsights(store, 'nobody'), [])
})
