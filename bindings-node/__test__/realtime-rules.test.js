// Live rules in the real-time CallTracker: hits on updates, subscribers and summaries; swaps while live.
// The same cases as bindings-python/tests/test_realtime_rules.py.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const aa = require('../index.js')

const RULES = {
  rules: [
    { id: 'churn_intent', when: { phrases: { speaker: 'customer', any: ['want to cancel my account'] } } },
    {
      id: 'no_thanks_at_end',
      when: { not: { phrases: { speaker: 'customer', within: { last_secs: 30 }, any: ['thank you'] } } },
    },
  ],
}

const SWAPPED_TOML = `
[[rules]]
id = "churn_intent"
when = { phrases = { speaker = "customer", any = ["want to cancel my account"] } }

[[rules]]
id = "supervisor"
when = { phrases = { speaker = "customer", any = ["supervisor"] } }
`

const call = (id) => ({
  id,
  tenant: 't1',
  customer_id: 'u1',
  channel: 'voice',
  direction: 'inbound',
  started_at: '2026-01-05T10:00:00Z',
})
const say = (seq, text, speaker = 'customer') => ({ seq, speaker, text, start_ms: seq * 3000, end_ms: seq * 3000 + 2500 })
const ids = (hits) => hits.map((h) => h.rule_id)

test('without rules updates have no hits', () => {
  const tracker = new aa.CallTracker()
  assert.deepEqual(tracker.ruleIds, [])
  tracker.startCall(call('c1'))
  assert.deepEqual(tracker.onUtterance('t1', 'c1', say(0, 'I want to cancel my account')).rule_hits, [])
  const summary = tracker.endCall('t1', 'c1')
  assert.deepEqual(summary.rule_hits, [])
  assert.deepEqual(summary.rules_fired, [])
})

for (const form of ['LiveRules', 'JSON text']) {
  test(`a phrase across two utterances reaches update, subscriber, summary and store (${form})`, async () => {
    const rules = form === 'LiveRules' ? aa.LiveRules.fromJson(JSON.stringify(RULES)) : JSON.stringify(RULES)
    const tracker = new aa.CallTracker(null, rules)
    assert.deepEqual(tracker.ruleIds, ['churn_intent', 'no_thanks_at_end'])
    const seen = []
    tracker.subscribe((event) => seen.push(...ids(event.update.rule_hits)))
    tracker.startCall(call('c1'))
    assert.deepEqual(tracker.onUtterance('t1', 'c1', say(0, 'Honestly I want to')).rule_hits, [])
    const second = tracker.onUtterance('t1', 'c1', say(1, 'cancel my account today.'))
    assert.equal(second.rule_hits.length, 1)
    const [hit] = second.rule_hits
    assert.equal(hit.rule_id, 'churn_intent')
    assert.deepEqual([hit.start_seq, hit.seq, hit.speaker, hit.at_ms], [0, 1, 'customer', 5500])
    assert.equal(hit.phrase, 'want to cancel my account')
    assert.deepEqual(seen, ['churn_intent'])
    const summary = tracker.endCall('t1', 'c1', 'abandoned')
    assert.deepEqual(ids(summary.rule_hits), ['no_thanks_at_end'])
    assert.deepEqual(summary.rules_fired, ['churn_intent', 'no_thanks_at_end'])
    const store = aa.Store.memory()
    await tracker.flushEnded(store)
    const [stored] = await store.calls('t1')
    assert.equal(stored.attributes['realtime.rule_hits'], '2')
    assert.deepEqual(JSON.parse(stored.attributes['realtime.rules_fired']), ['churn_intent', 'no_thanks_at_end'])
  })
}

test('rules swapped while a call is live', () => {
  const tracker = new aa.CallTracker()
  tracker.startCall(call('c1'))
  assert.deepEqual(tracker.onUtterance('t1', 'c1', say(0, 'I want to cancel my account')).rule_hits, [])
  tracker.setRules(aa.LiveRules.fromJson(JSON.stringify(RULES)))
  assert.deepEqual(ids(tracker.onUtterance('t1', 'c1', say(1, 'I want to cancel my account')).rule_hits), ['churn_intent'])
  // TOML text; churn_intent is unchanged, so it does not fire again; supervisor is new.
  tracker.setRules(SWAPPED_TOML)
  assert.deepEqual(tracker.ruleIds, ['churn_intent', 'supervisor'])
  const update = tracker.onUtterance('t1', 'c1', say(2, 'I want to cancel my account, get me a supervisor'))
  assert.deepEqual(ids(update.rule_hits), ['supervisor'])
  const summary = tracker.endCall('t1', 'c1')
  assert.deepEqual(summary.rule_hits, [])
  assert.deepEqual(summary.rules_fired, ['churn_intent', 'supervisor'])
  tracker.setRules(null)
  assert.deepEqual(tracker.ruleIds, [])
})

test('bad rules are refused', () => {
  const invalid = (fn) =>
    assert.throws(fn, (error) => {
      assert.equal(error.code, 'InvalidArgument')
      return true
    })
  invalid(() => new aa.CallTracker(null, '{"rules": [{"id": "x", "when": {"phrases": {"any": []}}}]}'))
  invalid(() => new aa.CallTracker(null, '[[rules]]\nid = '))
  assert.throws(() => new aa.CallTracker(null, 42))
  const tracker = new aa.CallTracker(null, JSON.stringify(RULES))
  invalid(() => tracker.setRules('{not json'))
  // A refused swap leaves the rules in force.
  assert.deepEqual(tracker.ruleIds, ['churn_intent', 'no_thanks_at_end'])
})
