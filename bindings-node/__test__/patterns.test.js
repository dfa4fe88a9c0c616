// Batch pattern discovery: groups, noise and the specialised analyses.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')

const { aa, expectCode } = require('./helpers.js')

const SIM = { seed: 5, tenants: 1, days: 2, calls_per_day: 120, journeys_per_day: 0, anomaly_days: 0 }

let store
let tenant
let findings
before(async () => {
  store = aa.Store.memory()
  assert.deepEqual((await store.ingestJsonl(await aa.simulateJsonl(SIM))).rejected, [])
  tenant = (await store.tenantIds())[0]
  findings = await aa.discoverPatterns(store, tenant)
})

test('every call is grouped or noise', () => {
  const grouped = findings.groups.reduce((sum, g) => sum + g.call_ids.length, 0)
  assert.ok(findings.calls > 100)
  assert.equal(grouped + findings.noise.length, findings.calls)
  for (const group of findings.groups) {
    assert.ok(group.label.length > 0)
    assert.equal(group.size, group.call_ids.length)
    assert.ok(group.escalation_rate >= 0 && group.escalation_rate <= 1)
  }
})

test('the specialised analyses are present', () => {
  assert.ok(findings.escalation_triggers.escalated > 0)
  assert.equal(findings.repeat_callers.window_days, 7)
  for (const key of ['successful_resolutions', 'confusion', 'automation_candidates', 'faqs']) {
    assert.ok(key in findings, key)
  }
})

test('options and errors', async () => {
  const tfidfOnly = await aa.discoverPatterns(store, tenant, null, null, { vectorize: { semantic_weight: 0 } })
  assert.ok(tfidfOnly.groups.length > 0)
  await expectCode(aa.discoverPatterns(store, tenant, null, null, { cluster: { min_groups: 1 } }), 'InvalidArgument')
  await expectCode(aa.discoverPatterns(store, tenant, null, null, { no_such_option: 1 }), 'InvalidArgument')
  await expectCode(aa.discoverPatterns(store, ''), 'InvalidArgument')
  const empty = await aa.discoverPatterns(store, 'nobody')
  assert.equal(empty.calls, 0)
  assert.deepEqual(empty.groups, [])
})
