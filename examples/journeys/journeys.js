// Customer journeys across channels: four simulated weeks of touchpoints (web, app, e-mail,
// chat, calls) cut into journeys, the most common paths and how long journeys take, an
// acquisition funnel, and which channels earn the conversions under every attribution model.
//
//     node examples/journeys/journeys.js
//
// `main.rs` and `journeys.py` beside this file do the same in Rust and Python and print the
// same lines (`expected.txt`).

const aa = require('aybiza-analytics')

/** `value` with `decimals` decimals, right-aligned in `width` characters. */
function fixed(value, decimals, width) {
  return value.toFixed(decimals).padStart(width)
}

async function main() {
  const simulated = await aa.simulate({ seed: 7, tenants: 1 })
  const events = simulated.records.filter((r) => r.type === 'journey_event')

  // A journey ends at a conversion or a cancellation, or after a week without a touchpoint.
  const config = {
    conversion_actions: ['purchase', 'upgrade_plan', 'accept_retention_offer'],
    churn_actions: ['cancel_subscription'],
    inactivity_secs: 7 * 24 * 3600,
  }
  const journeys = await aa.journeys(events, config)
  const ends = new Map()
  for (const journey of journeys) {
    const end = journey.end ?? 'still open at the end of the data'
    ends.set(end, (ends.get(end) ?? 0) + 1)
  }
  const counted = [...ends.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([end, n]) => `${n} ${end}`)
  console.log(`${events.length} touchpoints, ${journeys.length} journeys: ${counted.join(', ')}`)
  console.log(`the simulator planted ${simulated.truth.journeys.length} journeys`)

  // The journey map: one case per journey, its actions as activities.
  const log = journeys.flatMap((j) => j.events.map((e) => ({ case: j.case, activity: e.action, timestamp: e.timestamp })))
  const journeyMap = await aa.journeyMap(log)
  console.log(`${journeyMap.variants.length} distinct paths; the most common:`)
  for (const variant of journeyMap.variants.slice(0, 5)) {
    console.log(`  ${String(variant.count).padStart(4)}  ${fixed(100 * variant.share, 1, 5)}%  ${variant.path.join(' > ')}`)
  }
  const durations = journeyMap.durations
  console.log(
    `journey duration: median ${(durations.p50 / 3600).toFixed(1)} h,` +
      ` 90th percentile ${(durations.p90 / 3600).toFixed(1)} h`,
  )

  const stages = ['view_product', 'view_pricing', 'start_checkout', 'purchase']
  console.log('acquisition funnel (journeys reaching each stage, share of the stage before):')
  for (const step of await aa.funnel(log, stages)) {
    console.log(
      `  ${step.stage.padEnd(15)} ${String(step.cases).padStart(4)}` +
        `  ${fixed(100 * step.conversion_from_previous, 1, 5)}%`,
    )
  }

  // Attribution: the journeys' channel paths, then every model side by side.
  const paths = await aa.journeyPaths(events, config)
  const report = await aa.attribution(paths)
  const total = paths.reduce((sum, p) => sum + p.conversions, 0)
  console.log(`conversions credited (${total.toFixed(0)} in all):`)
  console.log(`  ${'channel'.padEnd(8)}${report.models.map((m) => m.model.padStart(15)).join('')}  removal effect`)
  // Channels by name (their order in the report is the order they were first seen).
  const order = report.channels.map((_, i) => i).sort((a, b) => (report.channels[a] < report.channels[b] ? -1 : 1))
  for (const i of order) {
    const credits = report.models.map((m) => fixed(m.conversions[i], 1, 15)).join('')
    console.log(`  ${report.channels[i].padEnd(8)}${credits}  ${fixed(report.removal_effects[i], 3, 14)}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
