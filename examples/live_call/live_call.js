// A voice pipeline's view of one call: every utterance goes through the live tracker as it
// is transcribed, and the agent's screen shows the sentiment, the escalation risk and the
// recommendations it returns; live rules report through a subscription; PII is redacted
// before a transcript line is shown or logged.
//
//     node examples/live_call/live_call.js
//
// `main.rs` and `live_call.py` beside this file do the same in Rust and Python and print the
// same lines (`expected.txt`).

const fs = require('node:fs')
const path = require('node:path')
const aa = require('aybiza-analytics')

const DATA = path.join(__dirname, '..', 'data')

/** `value` with three decimals and its sign, as Rust's `{:+.3}` and Python's `:+.3f` print it. */
function signed(value) {
  const sign = value < 0 || Object.is(value, -0) ? '-' : '+'
  return sign + Math.abs(value).toFixed(3)
}

/** Subscribers see every update; this one reports the live rules that fire. */
function reportRuleHits(event) {
  for (const hit of event.update.rule_hits) {
    if (hit.phrase !== null) {
      console.log(`    ! ${hit.rule_id} at ${hit.at_ms} ms: "${hit.phrase}"`)
    } else {
      console.log(`    ! ${hit.rule_id} at ${hit.at_ms} ms`)
    }
  }
}

function main() {
  const script = JSON.parse(fs.readFileSync(path.join(DATA, 'live_call.json'), 'utf8'))
  const rules = aa.LiveRules.fromToml(fs.readFileSync(path.join(DATA, 'live_rules.toml'), 'utf8'))

  const tracker = new aa.CallTracker(null, rules)
  tracker.subscribe(reportRuleHits)

  const call = script.call
  const [tenant, callId] = [call.tenant, call.id]
  console.log(`${callId} (${tenant}, queue ${call.queue ?? '-'}): ${rules.length} live rules`)
  tracker.startCall(call)

  const redactor = new aa.Redactor()
  for (const utterance of script.utterances) {
    const shown = redactor.redact(utterance.text).text
    console.log(`[${utterance.seq}] ${utterance.speaker}: ${shown}`)
    const { point, state, recommendations: advice } = tracker.onUtterance(tenant, callId, utterance)
    console.log(
      `    ${point.label} ${signed(point.fused_score)}` +
        ` | risk ${state.escalation_risk.toFixed(3)} ${advice.escalation_warning}` +
        ` | tone ${advice.tone}, pacing ${advice.pacing}, empathy ${advice.empathy}` +
        ` | next ${advice.next_best_action}`,
    )
  }

  const summary = tracker.endCall(tenant, callId, script.outcome, script.ended_at)
  const state = summary.state
  console.log(
    `ended ${script.outcome}: satisfaction ${state.satisfaction.toFixed(3)},` +
      ` peak risk ${state.peak_escalation_risk.toFixed(3)},` +
      ` ${state.context.repetitions} repetitions,` +
      ` ${state.context.topic_changes} topic changes`,
  )
  const quarters = summary.quarters.map((q) => (q.customer === null ? 'n/a' : signed(q.customer)))
  console.log(`customer sentiment by quarter: ${quarters.join(' ')}`)
  console.log(`rules fired: ${summary.rules_fired.join(', ')}`)
}

main()
