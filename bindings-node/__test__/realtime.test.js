// The real-time CallTracker: updates, subscriptions, summaries, bad input.
// The calls, bad inputs and long journey of tests/fixtures/realtime_cases.json are shared with the Rust and Python suites.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const aa = require('../index.js')

const ROOT = path.join(__dirname, '..', '..')
const CASES = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'realtime_cases.json'), 'utf8'))

function runCall(tracker, c) {
  tracker.startCall(c.call)
  return c.utterances.map((u) => tracker.onUtterance(c.call.tenant, c.call.id, u))
}

function expectKind(fn, kind) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof Error)
    assert.equal(error.code, 'RealtimeError')
    assert.equal(error.kind, kind)
    return true
  })
}

for (const c of CASES.calls) {
  test(`shared call "${c.name}" ends as expected`, () => {
    const tracker = new aa.CallTracker()
    const last = runCall(tracker, c).at(-1)
    const { state, recommendations: recs } = last
    const e = c.expect
    assert.equal(state.context.repetitions, e.repetitions)
    assert.equal(state.context.escalation_requests, e.escalation_requests)
    assert.equal(recs.next_best_action, e.next_best_action)
    assert.equal(recs.escalation_warning, e.escalation_warning)
    if ('tone' in e) assert.equal(recs.tone, e.tone)
    if ('min_escalation_risk' in e) assert.ok(state.escalation_risk >= e.min_escalation_risk)
    if ('max_escalation_risk' in e) assert.ok(state.escalation_risk <= e.max_escalation_risk)
    if ('max_current_sentiment' in e) assert.ok(state.current_sentiment <= e.max_current_sentiment)
    if ('min_current_sentiment' in e) assert.ok(state.current_sentiment >= e.min_current_sentiment)
    if ('min_satisfaction' in e) assert.ok(state.satisfaction >= e.min_satisfaction)
    assert.equal(last.point.seq, c.utterances.at(-1).seq)
  })
}

for (const bad of CASES.bad_inputs) {
  test(`bad utterance "${bad.name}" throws and leaves the call alone`, () => {
    const tracker = new aa.CallTracker()
    runCall(tracker, CASES.calls[1])
    const before = tracker.state('t1', 'ok-1')
    const utterance = { ...bad.utterance }
    if (bad.repeat_text) utterance.text = bad.repeat_text.unit.repeat(bad.repeat_text.times)
    expectKind(() => tracker.onUtterance('t1', 'ok-1', utterance), bad.kind)
    assert.deepEqual(tracker.state('t1', 'ok-1'), before)
  })
}

test('NaN voice features are refused at the boundary', () => {
  const tracker = new aa.CallTracker()
  tracker.startCall(CASES.calls[0].call)
  const utterance = { seq: 0, speaker: 'customer', text: 'Hi', start_ms: 0, end_ms: 900, voice: { energy: NaN } }
  assert.throws(() => tracker.onUtterance('t1', 'esc-1', utterance), (error) => {
    assert.equal(error.code, 'InvalidArgument')
    assert.match(error.message, /energy/)
    return true
  })
  assert.equal(tracker.state('t1', 'esc-1').utterances, 0)
})

test('unknown, ended and duplicate calls', () => {
  const tracker = new aa.CallTracker()
  const utterance = CASES.calls[1].utterances[0]
  expectKind(() => tracker.onUtterance('t1', 'nope', utterance), 'unknown_call')
  runCall(tracker, CASES.calls[1])
  expectKind(() => tracker.startCall(CASES.calls[1].call), 'already_live')
  const summary = tracker.endCall('t1', 'ok-1', 'resolved')
  assert.equal(summary.call.outcome, 'resolved')
  assert.equal(summary.call.ended_at, '2026-01-05T10:00:14.500Z')
  assert.equal(summary.reason, 'ended')
  assert.equal(summary.journey.length, 5)
  assert.equal(summary.journey_bucket_ms, 0)
  assert.deepEqual(summary.journey.map((p) => p.utterances), [1, 1, 1, 1, 1])
  assert.deepEqual(summary.quarters.map((q) => q.quarter), [1, 2, 3, 4])
  expectKind(() => tracker.onUtterance('t1', 'ok-1', utterance), 'call_ended')
  expectKind(() => tracker.endCall('t1', 'ok-1'), 'call_ended')
  assert.throws(() => tracker.endCall('t1', 'esc-1', 'exploded'), (error) => error.code === 'InvalidArgument')
})

test('subscribers receive updates and their exceptions are caught', () => {
  const tracker = new aa.CallTracker()
  const events = []
  const sub = tracker.subscribe((event) => events.push(event))
  const bad = tracker.subscribe(() => {
    throw new Error('subscriber bug')
  })
  const updates = runCall(tracker, CASES.calls[0])
  assert.deepEqual(events.map((e) => e.update), updates)
  assert.ok(events.every((e) => e.tenant === 't1' && e.call_id === 'esc-1'))
  assert.equal(tracker.subscriberErrors.length, updates.length)
  assert.match(tracker.subscriberErrors[0], /subscriber bug/)
  assert.ok(tracker.unsubscribe(sub) && tracker.unsubscribe(bad))
  assert.equal(tracker.unsubscribe(sub), false)
  assert.throws(() => tracker.subscribe(42), (error) => error.code === 'InvalidArgument')
})

test('idle calls are evicted and summaries flushed to a store', async () => {
  const tracker = new aa.CallTracker({ idle_timeout_secs: 0 })
  runCall(tracker, CASES.calls[0])
  assert.equal(tracker.liveCalls(), 1)
  assert.equal(tracker.evictIdle(), 1)
  assert.equal(tracker.liveCalls(), 0)
  const store = aa.Store.memory()
  const report = await tracker.flushEnded(store)
  assert.equal(report.calls, 1)
  assert.equal(report.written.inserted, 1)
  const [call] = await store.calls('t1')
  assert.equal(call.attributes['realtime.end_reason'], 'idle')
  assert.ok(Number(call.attributes['realtime.escalation_risk']) > 0.5)
  assert.deepEqual(tracker.takeEnded(), [])
})

test('a long call keeps the shared journey', () => {
  const long = CASES.long_journey
  const c = CASES.calls.find((x) => x.name === long.call)
  const tracker = new aa.CallTracker(long.config)
  runCall(tracker, c)
  const summary = tracker.endCall(c.call.tenant, c.call.id)
  assert.equal(summary.journey_bucket_ms, long.journey_bucket_ms)
  assert.deepEqual(
    summary.journey.map(({ seq, speaker, at_ms, utterances }) => ({ seq, speaker, at_ms, utterances })),
    long.journey,
  )
  const counted = summary.quarters.reduce((n, q) => n + q.customer_utterances + q.agent_utterances, 0)
  assert.equal(counted, c.utterances.length)
})

test('risk weights are overridable and checked', () => {
  const escalating = CASES.calls[0]
  const byDefault = runCall(new aa.CallTracker(), escalating).at(-1).state
  const handSet = {
    intercept: -3, negative_sentiment: 2, anger: 1.5, frustration: 1, voice_stress: 1,
    repetition: 0.8, hold: 0.6, escalation_request: 1.2, resolution: -1.5,
  }
  const state = runCall(new aa.CallTracker({ risk_weights: handSet }), escalating).at(-1).state
  const z = handSet.intercept + Object.values(state.risk_drivers).reduce((a, b) => a + b, 0)
  assert.ok(Math.abs(state.escalation_risk - 1 / (1 + Math.exp(-z))) < 1e-12)
  assert.ok(Math.abs(state.risk_drivers.voice_stress - state.stress) < 1e-12)
  assert.notEqual(state.escalation_risk, byDefault.escalation_risk)
  // One field alone: the others keep their defaults.
  const louder = runCall(new aa.CallTracker({ risk_weights: { voice_stress: 2 } }), escalating).at(-1).state
  assert.ok(Math.abs(louder.risk_drivers.voice_stress - 2 * louder.stress) < 1e-12)
  assert.equal(louder.risk_drivers.anger, byDefault.risk_drivers.anger)
  expectKind(() => new aa.CallTracker({ risk_weights: { anger: -1 } }), 'invalid_config')
  expectKind(() => new aa.CallTracker({ risk_weights: { resolution: 0.5 } }), 'invalid_config')
  assert.throws(() => new aa.CallTracker({ risk_weights: { mood: 1 } }), (error) => error.code === 'InvalidArgument')
})

test('config is checked', () => {
  expectKind(() => new aa.CallTracker({ shards: 0 }), 'invalid_config')
  expectKind(() => new aa.CallTracker({ max_journey_points: 3 }), 'invalid_config')
  assert.throws(() => new aa.CallTracker({ no_such_field: 1 }), (error) => error.code === 'InvalidArgument')
  const tracker = new aa.CallTracker({ max_text_bytes: 10, thresholds: { escalation_warning: 0.9 } })
  tracker.startCall(CASES.calls[1].call)
  expectKind(
    () => tracker.onUtterance('t1', 'ok-1', { seq: 0, speaker: 'customer', text: 'x'.repeat(11), start_ms: 0, end_ms: 1 }),
    'text_too_long',
  )
})
