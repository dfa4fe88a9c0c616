// Live pattern rules from Node: loading, errors, matching a transcript.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const { aa } = require('./helpers.js')

/** Asserts that `fn` throws an Error with `code` and a message matching `pattern`. */
function expectCode(fn, code, pattern) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof Error)
    assert.equal(error.code, code)
    assert.match(error.message, pattern)
    return true
  })
}

const CANCEL_TOML = `
[[rules]]
id = "cancel"
when = { phrases = { speaker = "customer", any = ["cancel * account"] } }
`

test('the default rules match a transcript', () => {
  const rules = aa.LiveRules.default()
  assert.ok(rules.ruleIds.includes('escalation_request'))
  assert.equal(rules.length, rules.ruleIds.length)
  const hits = rules.matchTranscript([
    { speaker: 'agent', text: 'Thanks for calling, this call may be recorded.', seq: 0, start_ms: 0 },
    { speaker: 'customer', text: 'I want to speak to your manager!', seq: 1, start_ms: 4000, end_ms: 6000 },
  ])
  assert.deepEqual(
    hits.filter((h) => h.rule_id === 'escalation_request'),
    [
      {
        rule_id: 'escalation_request',
        at_ms: 6000,
        seq: 1,
        speaker: 'customer',
        phrase: 'speak to ** manager',
        start_seq: 1,
        char_start: 10,
        char_end: 31,
      },
    ],
  )
})

test('JSON and TOML rules, and phrases across two utterances', () => {
  const fromToml = aa.LiveRules.fromToml(CANCEL_TOML)
  const fromJson = aa.LiveRules.fromJson(JSON.stringify(fromToml.ruleSet()))
  const transcript = [
    { speaker: 'customer', text: 'please cancel my', seq: 0, start_ms: 0 },
    { speaker: 'customer', text: 'account', seq: 1, start_ms: 2000 },
  ]
  for (const rules of [fromToml, fromJson]) {
    const [hit, ...rest] = rules.matchTranscript(transcript)
    assert.equal(rest.length, 0)
    assert.deepEqual([hit.start_seq, hit.seq, hit.char_start, hit.char_end], [0, 1, 7, 7])
  }
})

test('bad rules and bad utterances throw InvalidArgument', () => {
  expectCode(() => aa.LiveRules.fromToml('[[rules]]\nid = "a"\nwhen = { phrases = { any = ["x"], speaker = "boss" } }'), 'InvalidArgument', /line 3/)
  expectCode(() => aa.LiveRules.fromJson('{"rules": [{"id": "a", "when": {"phrases": {"any": ["* x"]}}}]}'), 'InvalidArgument', /rules\[0\]\.when\.phrases\.any\[0\]/)
  const rules = aa.LiveRules.default()
  expectCode(() => rules.matchTranscript([{ text: 'hi', seq: 0, start_ms: 0 }]), 'InvalidArgument', /speaker/)
  expectCode(() => rules.matchTranscript('not an array'), 'InvalidArgument', /must be an array/)
  expectCode(() => rules.matchTranscript([], -1), 'InvalidArgument', /negative/)
})

test('a live call fires each rule once and decides `not` at the end', () => {
  const rules = aa.LiveRules.fromToml(CANCEL_TOML + '[[rules]]\nid = "no_thanks"\nwhen = { not = { phrases = { any = ["thank you"] } } }\n')
  const call = rules.newCall()
  assert.deepEqual(call.onUtterance({ speaker: 'customer', text: 'cancel my', seq: 0, start_ms: 0 }), [])
  const hits = call.onUtterance({ speaker: 'customer', text: 'account now', seq: 1, start_ms: 900 })
  assert.deepEqual(hits.map((h) => h.rule_id), ['cancel'])
  assert.deepEqual(call.onUtterance({ speaker: 'customer', text: 'cancel my account', seq: 2, start_ms: 2000 }), [])
  assert.equal(call.isEnded, false)
  assert.deepEqual(call.endCall(5000).map((h) => h.rule_id), ['no_thanks'])
  assert.equal(call.isEnded, true)
  assert.deepEqual(call.endCall(5000), [])
  expectCode(() => rules.newCall().onUtterance(['not', 'an', 'object']), 'InvalidArgument', /must be an object/)
  expectCode(() => rules.newCall().endCall(-5), 'InvalidArgument', /negative/)
})
