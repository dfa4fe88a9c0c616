// What an analyst asks of a month of stored calls: the records go into a store, calls are
// grouped by what they are about (with each group's escalation and resolution rates), the
// share of confused and repeat callers is measured, and the statistical insights of the last
// week are ranked by impact.
//
//     node examples/store_insights/store_insights.js
//
// `main.rs` and `store_insights.py` beside this file do the same in Rust and Python and print
// the same lines (`expected.txt`).

const aa = require('aybiza-analytics')

/** `share` as a percentage with one decimal, right-aligned in `width` characters. */
function percent(share, width = 0) {
  return (100 * share).toFixed(1).padStart(width)
}

async function main() {
  const simulated = await aa.simulate({ seed: 7, tenants: 1 })
  // The in-memory store; `await aa.Store.open('calls.db')` keeps the records in a file.
  const store = aa.Store.memory()
  const { written } = await store.ingest(simulated.records)
  const [tenant] = await store.tenantIds()
  console.log(`${tenant}: ${written.inserted} records stored`)

  const findings = await aa.discoverPatterns(store, tenant)
  console.log(`${findings.calls} calls in ${findings.groups.length} groups of similar calls; the five largest:`)
  for (const group of findings.groups.slice(0, 5)) {
    console.log(
      `  ${String(group.size).padStart(5)}  ${percent(group.share, 5)}%  ${group.label.padEnd(32)}` +
        ` escalated ${percent(group.escalation_rate, 5)}%, resolved ${percent(group.resolution_rate, 5)}%`,
    )
  }
  console.log(
    `confused callers in ${percent(findings.confusion.share)}% of calls;` +
      ` repeat callers in ${percent(findings.repeat_callers.share)}% of calls`,
  )

  // The last week of the four, each metric against the week before.
  const start = new Date('2026-01-26T00:00:00Z')
  const end = new Date(start.getTime() + 7 * 24 * 3600 * 1000)
  const insights = await aa.generateInsights(store, tenant, start, end)
  console.log(
    `${insights.length} insights for the week from ${start.toISOString().slice(0, 10)}, the five with the most impact:`,
  )
  for (const insight of insights.slice(0, 5)) {
    console.log(`  ${insight.impact.toFixed(3)}  ${insight.title}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
