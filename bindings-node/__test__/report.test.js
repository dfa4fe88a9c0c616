// Reports: built from a store, rendered as HTML, written to a directory.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { aa, backends, expectCode, tempDir } = require('./helpers.js')

const SIM = { seed: 11, tenants: 2, days: 3, calls_per_day: 30, journeys_per_day: 6, anomaly_days: 1 }

let records
let jsonl
before(async () => {
  records = (await aa.simulate(SIM)).records
  jsonl = await aa.simulateJsonl(SIM)
})

const ofType = (type) => records.filter((r) => r.type === type)
function perTenant(type) {
  const counts = {}
  for (const r of ofType(type)) counts[r.tenant] = (counts[r.tenant] ?? 0) + 1
  return counts
}

for (const [backend, open] of Object.entries(backends())) {
  async function simulated() {
    const store = await open()
    assert.deepEqual((await store.ingestJsonl(jsonl)).rejected, [])
    return store
  }

  test(`${backend}: report totals match the records`, async () => {
    const store = await simulated()
    const report = await store.report()
    assert.equal(report.format_version, 1)
    assert.equal(report.period.start, null)
    assert.equal(report.period.end, null)
    const { metrics } = report.overall
    const calls = ofType('call')
    assert.equal(report.overall.tenants, 2)
    assert.equal(report.overall.tenants_with_calls, 2)
    assert.equal(metrics.calls.total, calls.length)
    assert.equal(metrics.conversation.utterances, ofType('utterance').length)
    assert.equal(metrics.activity.journey_events, ofType('journey_event').length)
    assert.equal(metrics.activity.metric_samples, ofType('metric').length)
    const byOutcome = metrics.calls.by_outcome.reduce((sum, c) => sum + c.count, 0)
    assert.equal(byOutcome + metrics.calls.without_outcome, calls.length)
    assert.equal(metrics.volume.by_hour.reduce((a, b) => a + b, 0), calls.length)
    assert.equal(report.period.first_call_at, calls.map((c) => c.started_at).sort()[0])

    const callsPerTenant = perTenant('call')
    assert.deepEqual(report.tenants.map((t) => t.tenant_id), Object.keys(callsPerTenant).sort())
    for (const tenant of report.tenants) {
      assert.equal(tenant.metrics.calls.total, callsPerTenant[tenant.tenant_id])
      assert.equal(tenant.name, (await store.tenant(tenant.tenant_id)).name)
    }
  })

  test(`${backend}: report covers the range and the tenants asked for`, async () => {
    const store = await simulated()
    const secondDay = '2026-01-06T00:00:00Z'
    const report = await store.report(new Date(secondDay))
    assert.equal(report.period.start, secondDay)
    assert.equal(report.overall.metrics.calls.total, ofType('call').filter((c) => c.started_at >= secondDay).length)

    const [first, second] = await store.tenantIds()
    const only = await store.report(null, undefined, [second])
    assert.deepEqual(only.tenants.map((t) => t.tenant_id), [second])
    assert.equal(only.overall.metrics.calls.total, perTenant('call')[second])
    const both = await store.report(undefined, undefined, [second, first])
    assert.deepEqual(both.tenants.map((t) => t.tenant_id), [first, second])
  })

  test(`${backend}: report argument errors reject with code InvalidArgument`, async () => {
    const store = await simulated()
    await expectCode(store.report(null, null, ['nobody']), 'InvalidArgument', /tenant `nobody` has no records/)
    await expectCode(store.report('2026-01-07T00:00:00Z', '2026-01-06T00:00:00Z'), 'InvalidArgument', /before it starts/)
    await expectCode(store.report(null, null, 'acme'), 'InvalidArgument', /tenants must be an array of strings, got string/)
    await expectCode(store.report(null, null, ['acme', 7]), 'InvalidArgument', /tenants\[1\] must be a string, got number/)
    await expectCode(store.writeReport(42), 'InvalidArgument', /dir must be a string, got number/)
  })

  test(`${backend}: renderReportHtml renders a report and refuses what is not one`, async () => {
    const store = await simulated()
    const report = await store.report()
    const page = aa.renderReportHtml(report)
    assert.ok(page.startsWith('<!DOCTYPE html>'))
    assert.ok(page.trimEnd().endsWith('</html>'))
    for (const tenant of report.tenants) assert.ok(page.includes(tenant.name))
    assert.equal(aa.renderReportHtml(JSON.parse(JSON.stringify(report))), page)

    const expectThrow = (value, pattern) =>
      assert.throws(
        () => aa.renderReportHtml(value),
        (error) => error.code === 'InvalidArgument' && pattern.test(error.message),
      )
    const { overall, ...missing } = report
    expectThrow(missing, /report: missing field `overall`/)
    const broken = structuredClone(report)
    broken.tenants[0].metrics.calls.total = 'many'
    expectThrow(broken, /report: tenants\[0\]\.metrics\.calls\.total: invalid type/)
    broken.tenants[0].metrics.calls.total = NaN
    expectThrow(broken, /must be a finite number/)
    expectThrow([], /report must be an object, got an array/)
    expectThrow(undefined, /report must be an object, got undefined/)
  })

  test(`${backend}: writeReport writes report.json and report.html`, async () => {
    const store = await simulated()
    const target = path.join(tempDir(), 'out', 'nested')
    const paths = await store.writeReport(target)
    assert.deepEqual(paths, { json: path.join(target, 'report.json'), html: path.join(target, 'report.html') })
    const written = JSON.parse(fs.readFileSync(paths.json, 'utf8'))
    assert.equal(written.overall.metrics.calls.total, ofType('call').length)
    const html = fs.readFileSync(paths.html, 'utf8')
    assert.ok(html.startsWith('<!DOCTYPE html>'))
    assert.equal(aa.renderReportHtml(written), html)

    const [first] = await store.tenantIds()
    const again = await store.writeReport(path.join(tempDir(), 'one'), null, '2026-01-06T00:00:00Z', [first])
    const one = JSON.parse(fs.readFileSync(again.json, 'utf8'))
    assert.deepEqual(one.tenants.map((t) => t.tenant_id), [first])
    assert.equal(one.period.end, '2026-01-06T00:00:00Z')
  })

  test(`${backend}: writeReport into a file path rejects with code Io`, async () => {
    const store = await simulated()
    const blocker = path.join(tempDir(), 'file')
    fs.writeFileSync(blocker, 'not a directory')
    await expectCode(store.writeReport(blocker), 'Io')
  })
}

test('the report of an empty store', async () => {
  const report = await aa.Store.memory().report()
  assert.deepEqual(report.tenants, [])
  assert.equal(report.overall.metrics.calls.total, 0)
  assert.ok(aa.renderReportHtml(report).startsWith('<!DOCTYPE html>'))
})
