// Statistical insights: segments that differ and changes against the previous period.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')

const { aa, expectCode, expectSyncCode, tempDir } = require('./helpers.js')

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

test('customer sentiment is compared on its scale', async () => {
  const insights = await aa.generateInsights(store, tenant, null, null, { max_insights: 100 })
  const sentiment = insights.filter((i) => i.category === 'customer_sentiment')
  assert.ok(sentiment.length > 0, JSON.stringify(insights.map((i) => i.title)))
  for (const insight of sentiment) {
    const { dimension, value } = insight.segment
    const name = dimension[0].toUpperCase() + dimension.slice(1)
    assert.ok(insight.title.startsWith(`${name} ${value}: customer sentiment`), insight.title)
    assert.ok(insight.evidence.value >= -1 && insight.evidence.value <= 1)
    // Judged on the scale, not against a reference near 0.
    assert.equal(insight.evidence.relative_change, undefined)
    assert.ok(Math.abs(insight.evidence.value - insight.evidence.reference) >= 0.1)
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

// Two weeks of journeys that begin on the web or by e-mail, one every 40 minutes per channel:
// three in ten upgrade, but only one in twenty of the second week's 80 e-mail journeys.
async function plantedJourneys() {
  const lines = []
  const starts = [Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 9)]
  starts.forEach((start, week) => {
    for (const [channel, count] of [['web', 100], ['email', week === 0 ? 100 : 80]]) {
      for (let i = 0; i < count; i++) {
        const upgrades = channel === 'email' && week === 1 ? i % 20 === 0 : i % 10 < 3
        const actions = ['visit_site', 'view_plans', ...(upgrades ? ['upgrade_plan'] : [])]
        const begins = start + 40 * 60_000 * i
        actions.forEach((action, step) => {
          lines.push(
            JSON.stringify({
              type: 'journey_event',
              id: `${channel}-${week}-${i}-${step}`,
              tenant: 't',
              customer_id: `${channel}-${week}-${i}`,
              channel: step === 0 ? channel : 'web',
              action,
              timestamp: new Date(begins + step * 3_600_000).toISOString(),
            }),
          )
        })
      }
    }
  })
  const planted = aa.Store.memory()
  assert.deepEqual((await planted.ingestJsonl(lines.join('\n'))).rejected, [])
  return planted
}

test('journeys are compared by the channel they began in', async () => {
  const planted = await plantedJourneys()
  const options = { journey: { conversion_actions: ['upgrade_plan'] } }
  const insights = await aa.generateInsights(planted, 't', '2026-03-09', '2026-03-16', options)
  const titles = insights.map((i) => i.title)
  assert.ok(titles.includes('Channel email: journey conversion rate 5.0%, lower than elsewhere (30.0%)'), JSON.stringify(titles))
  assert.ok(titles.includes('Journey conversion rate fell from 30.0% to 18.9%'), JSON.stringify(titles))
  const email = insights.find((i) => i.segment?.value === 'email')
  assert.equal(email.evidence.journeys, 80)
  assert.equal(email.evidence.calls, undefined)
  // With the default conversion action (purchase) no journey converted: nothing to compare.
  const byDefault = await aa.generateInsights(planted, 't', '2026-03-09', '2026-03-16')
  assert.deepEqual(byDefault.filter((i) => 'journeys' in i.evidence), [])
  await expectCode(
    aa.generateInsights(planted, 't', null, null, { journey: { conversion: ['upgrade_plan'] } }),
    'InvalidArgument',
    /unknown field/,
  )
})

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

// Two calls a minute of tenant t, 4% abandoned; 40% from minute `incidentFrom` on.
function liveStream(incidentFrom = null, minutes = 24 * 60 + 120) {
  const start = Date.UTC(2026, 2, 2)
  const calls = []
  for (let i = 0; i < minutes * 2; i++) {
    const minute = i / 2
    const abandoned = i % 25 === 0 || (incidentFrom !== null && minute >= incidentFrom && i % 5 < 2)
    const ended = new Date(start + minute * 60_000)
    calls.push({
      type: 'call',
      id: `c${i}`,
      tenant: 't',
      customer_id: `k${i}`,
      channel: 'voice',
      direction: 'inbound',
      queue: i % 2 ? 'billing' : 'tech',
      started_at: new Date(ended.getTime() - 240_000),
      ended_at: ended,
      outcome: abandoned ? 'abandoned' : 'resolved',
    })
  }
  return calls
}

test('live insights raise a shift in the last hour', () => {
  const live = new aa.LiveInsights()
  assert.equal(live.options.window_minutes, 60)
  const events = liveStream(24 * 60 + 30).flatMap((call) => live.observe(call))
  const overall = events.filter((e) => e.segment === undefined && e.category === 'abandonment_rate')
  assert.equal(overall[0].state, 'raised')
  assert.equal(overall[0].kind, 'live_change')
  assert.ok(overall[0].title.startsWith('Abandonment rate up in the last hour'))
  assert.equal(overall[0].baseline.end, overall[0].window.start)
  // Silence clears what is raised: two hours after the last call the window is empty.
  const cleared = live.expire(new Date('2026-03-03T04:00:00Z'))
  assert.ok(cleared.length > 0)
  assert.ok(cleared.every((e) => e.state === 'cleared' && e.title.includes('too few calls')))
  assert.deepEqual(live.expire('2026-03-03T05:00:00Z'), [])
  const steady = new aa.LiveInsights()
  assert.deepEqual(liveStream().flatMap((call) => steady.observe(call)), [])
})

test('live insights watch customer sentiment when given', () => {
  const live = new aa.LiveInsights()
  const incident = 24 * 60 + 30
  const events = liveStream().flatMap((call, i) => {
    const billingTurns = call.queue === 'billing' && i / 2 >= incident
    const sentiment = (billingTurns ? -0.3 : 0.05) + (((i * 37) % 21) - 10) / 100
    return live.observe(call, sentiment)
  })
  const sentiment = events.filter((e) => e.category === 'customer_sentiment')
  assert.ok(sentiment.length > 0, JSON.stringify(events.map((e) => e.title)))
  assert.equal(sentiment[0].state, 'raised')
  assert.deepEqual(sentiment[0].segment, { dimension: 'queue', value: 'billing' })
  assert.ok(sentiment[0].title.startsWith('Queue billing: customer sentiment down in the last hour'))
  assert.equal(sentiment[0].evidence.relative_change, undefined)
  assert.ok(sentiment.every((e) => e.segment?.value !== 'tech'))
  expectSyncCode(() => live.observe(liveStream(null, 1)[0], 2), 'InvalidArgument', /customer sentiment/)
})

test('live insights refuse calls they cannot count', () => {
  const live = new aa.LiveInsights({ window_minutes: 30 })
  const { ended_at, ...open } = liveStream(null, 1)[0]
  assert.ok(ended_at instanceof Date)
  expectSyncCode(() => live.observe(open), 'InvalidArgument', /has not ended/)
  expectSyncCode(() => live.observe({ type: 'tenant', id: 't', name: 'T' }), 'InvalidArgument', /expected a call record/)
  expectSyncCode(() => new aa.LiveInsights({ window_minutes: 7 }), 'InvalidArgument', /window_minutes/)
})

// Two journey events a minute of tenant t on web and app in turn: every 20th a purchase, every
// 50th a cancellation; from minute `incidentFrom` on, two web events in five too.
function journeyStream(incidentFrom = null, minutes = 24 * 60 + 120) {
  const start = Date.UTC(2026, 2, 2)
  const events = []
  for (let i = 0; i < minutes * 2; i++) {
    const minute = i / 2
    const channel = i % 2 === 0 ? 'web' : 'app'
    const incident = incidentFrom !== null && minute >= incidentFrom && channel === 'web'
    let action = 'view_page'
    if (incident && i % 10 < 3) action = 'cancel'
    else if (i % 20 === 3) action = 'purchase'
    else if (i % 50 === 7) action = 'cancel'
    events.push({
      type: 'journey_event',
      id: `e${i}`,
      tenant: 't',
      customer_id: `k${i}`,
      channel,
      action,
      timestamp: new Date(start + minute * 60_000),
    })
  }
  return events
}

test('live insights watch the journey actions', () => {
  const live = new aa.LiveInsights()
  assert.deepEqual(live.options.conversion_actions, ['purchase'])
  const events = journeyStream(24 * 60 + 30).flatMap((event) => live.observeJourneyEvent(event))
  const web = events.filter((e) => e.segment?.value === 'web')
  assert.equal(web[0].state, 'raised', JSON.stringify(events.map((e) => e.title)))
  assert.equal(web[0].category, 'churn_action_rate')
  assert.deepEqual(web[0].segment, { dimension: 'channel', value: 'web' })
  assert.ok(web[0].title.startsWith('Channel web: churn action rate up in the last hour'))
  assert.ok(web[0].evidence.events >= 30)
  assert.equal(web[0].evidence.calls, undefined)
  const minutesIn = (new Date(web[0].at) - Date.UTC(2026, 2, 3, 0, 30)) / 60_000
  assert.ok(minutesIn >= 0 && minutesIn < 45, `${minutesIn}`)
  assert.ok(events.every((e) => e.segment?.value !== 'app'))
  const cleared = live.expire('2026-03-03T04:00:00Z')
  assert.ok(cleared.length > 0)
  assert.ok(cleared.every((e) => e.title.includes('too few journey events')))
  const steady = new aa.LiveInsights()
  assert.deepEqual(journeyStream().flatMap((event) => steady.observeJourneyEvent(event)), [])
  const nameless = { ...journeyStream(null, 1)[0], tenant: '' }
  expectSyncCode(() => steady.observeJourneyEvent(nameless), 'InvalidArgument', /has no tenant/)
  expectSyncCode(() => steady.observeJourneyEvent(liveStream(null, 1)[0]), 'InvalidArgument', /type must be `journey_event`/)
  expectSyncCode(() => new aa.LiveInsights({ churn_actions: ['purchase'] }), 'InvalidArgument', /both a conversion and a churn action/)
})

test('live insights replay stored records in time order whatever the clock', () => {
  const calls = liveStream(24 * 60 + 30)
  const observed = new aa.LiveInsights()
  const expected = calls.flatMap((call) => observed.observe(call))
  assert.ok(expected.length > 0)
  assert.deepEqual(new aa.LiveInsights().replay([...calls].reverse()), expected)
  const events = journeyStream(24 * 60 + 30)
  const both = new aa.LiveInsights().replay(calls, [...events].reverse(), { [calls[0].id]: -0.5 })
  assert.ok(both.some((e) => e.category === 'churn_action_rate'))
  // History dated ahead of the system clock: refused live, replayed as it stands.
  const days = Math.floor((Date.now() - Date.UTC(2026, 2, 2)) / 86_400_000) + 400
  const later = calls.map((c) => ({ ...c, ended_at: new Date(c.ended_at.getTime() + days * 86_400_000) }))
  expectSyncCode(() => new aa.LiveInsights().observe(later[0]), 'InvalidArgument', /more than a day from now/)
  const titles = (list) => list.map((e) => `${e.state} ${e.title}`)
  assert.deepEqual(titles(new aa.LiveInsights().replay(later)), titles(expected))
  expectSyncCode(
    () => new aa.LiveInsights().replay([calls[0], { type: 'tenant', id: 't', name: 'T' }]),
    'InvalidArgument',
    /calls\[1\]: call:/,
  )
})

const WEEKLY = [{ name: 'weekly', cron: '0 9 * * MON', window: 'previous_week' }]

test('scheduled runs match the generator and never repeat', async () => {
  const store = await plantedWeeks()
  const scheduler = new aa.InsightScheduler(WEEKLY, '2026-03-10')
  assert.equal(scheduler.nextDue(), '2026-03-16T09:00:00.000Z')
  const runs = await scheduler.runDue(store, new Date('2026-03-16T10:00:00Z'))
  assert.deepEqual(runs.map((r) => [r.schedule, r.tenant]), [['weekly', 't']])
  assert.deepEqual(runs[0].range, { start: '2026-03-09T00:00:00Z', end: '2026-03-16T00:00:00Z' })
  assert.deepEqual(runs[0].insights, await aa.generateInsights(store, 't', '2026-03-09', '2026-03-16'))
  assert.deepEqual(await scheduler.runDue(store, '2026-03-16T10:00:00Z'), [])
  const resumed = new aa.InsightScheduler(WEEKLY, null, scheduler.state)
  assert.equal(resumed.nextDue(), '2026-03-23T09:00:00.000Z')
  assert.ok(new Date(new aa.InsightScheduler().nextDue()) > new Date())
})

test('a run that cannot list the tenants rejects and stays due', async () => {
  const store = await plantedWeeks()
  const dir = tempDir()
  const loader = store.scoped({ id: 'loader', role: 'ingest', tenants: ['*'] }, `${dir}/audit.jsonl`)
  const scheduler = new aa.InsightScheduler(WEEKLY, '2026-03-10')
  await expectCode(scheduler.runDue(loader, '2026-03-16T10:00:00Z'), 'Forbidden')
  assert.equal(scheduler.nextDue(), '2026-03-16T09:00:00.000Z')
  assert.equal((await scheduler.runDue(store, '2026-03-16T10:00:00Z')).length, 1)
})

test('bad schedules are refused', () => {
  expectSyncCode(() => new aa.InsightScheduler([{ name: 'x', cron: 'not cron' }]), 'InvalidArgument', /cron/)
  expectSyncCode(() => new aa.InsightScheduler([{ name: 'x', cron: '@daily', every: 1 }]), 'InvalidArgument', /unknown field/)
  expectSyncCode(() => new aa.InsightScheduler([]), 'InvalidArgument', /no schedules/)
  expectSyncCode(() => new aa.InsightScheduler('daily'), 'InvalidArgument', /must be an array/)
})
