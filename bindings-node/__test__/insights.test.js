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

// Two weeks of calls: 60 a day, then 90 a day (give or take 3), escalations unchanged.
async function plantedWeeks() {
  const lines = []
  const two = (n) => String(n).padStart(2, '0')
  for (let day = 0; day < 14; day++) {
    const count = (day < 7 ? 60 : 90) + ((day * 5) % 7) - 3
    for (let i = 0; i < count; i++) {
      const at = `2026-03-${two(2 + day)}T${two(8 + (i % 10))}:${two(i % 60)}`
      lines.push(
        JSON.stringify({
          type: 'call',
          id: `c${day}-${i}`,
          tenant: 't',
          customer_id: `k${i}`,
          channel: 'voice',
          direction: 'inbound',
          started_at: `${at}:00Z`,
          ended_at: `${at}:30Z`,
          outcome: 'resolved',
          escalated: i % 10 === 0,
        }),
      )
    }
  }
  const planted = aa.Store.memory()
  assert.deepEqual((await planted.ingestJsonl(lines.join('\n'))).rejected, [])
  return planted
}

test('a bounded period is compared with the one before', async () => {
  const planted = await plantedWeeks()
  const insights = await aa.generateInsights(planted, 't', '2026-03-09', '2026-03-16')
  const volume = insights.filter((i) => i.category === 'volume')
  assert.equal(volume.length, 1)
  assert.equal(volume[0].kind, 'period_change')
  assert.ok(volume[0].title.startsWith('Volume rose from'))
  assert.ok(volume[0].evidence.reference > 59 && volume[0].evidence.reference < 61)
  assert.ok(volume[0].evidence.value > 89 && volume[0].evidence.value < 91)
  assert.ok(insights.every((i) => i.category !== 'escalation_rate'))
  const open = await aa.generateInsights(planted, 't')
  assert.ok(open.every((i) => i.kind === 'segment_outlier'))
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
