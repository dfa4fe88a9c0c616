// Workforce planning from call records: the hourly call volume of six simulated weeks, a
// forecast of the next day with 80% and 95% intervals, the agents needed each hour to answer
// 80% of calls within 20 seconds (for the expected volume and for the top of the 80%
// interval), and the hours of the history the anomaly detector flags, beside the anomalies
// the simulator planted.
//
//     node examples/forecast_staffing/forecast_staffing.js
//
// `main.rs` and `forecast_staffing.py` beside this file do the same in Rust and Python and
// print the same lines (`expected.txt`).

const aa = require('aybiza-analytics')

const HOUR_MS = 3600 * 1000
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** `ms` (since the epoch) as `YYYY-MM-DD HH:MM` in UTC. */
function dateTime(ms) {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
}

/** `value` with `decimals` decimals, right-aligned in `width` characters. */
function fixed(value, decimals, width) {
  return value.toFixed(decimals).padStart(width)
}

async function main() {
  const days = 42
  const simulated = await aa.simulate({ seed: 7, tenants: 1, days })
  const calls = simulated.records.filter((r) => r.type === 'call')
  // Average handle time over the calls that ended, from whole milliseconds.
  const handled = calls
    .filter((c) => c.ended_at !== undefined && c.ended_at !== null)
    .map((c) => Date.parse(c.ended_at) - Date.parse(c.started_at))
  const ahtSecs = handled.reduce((a, b) => a + b, 0) / handled.length / 1000
  console.log(`${calls.length} calls in ${days} days, average handle time ${ahtSecs.toFixed(1)} s`)

  // Calls per hour over the whole window (the simulator's default start), empty hours included.
  const start = Date.parse('2026-01-05T00:00:00Z')
  const volume = new Array(days * 24).fill(0)
  for (const call of calls) {
    const hour = Math.floor((Date.parse(call.started_at) - start) / HOUR_MS)
    if (hour >= 0 && hour < volume.length) volume[hour] += 1
  }
  const hours = volume.map((_, i) => new Date(start + i * HOUR_MS).toISOString())

  // The next 24 hours, with daily and weekly seasonality; counts are never negative.
  const forecast = await aa.forecast(volume, 24, { periods: [24, 168], lower_bound: 0, timestamps: hours, step: '1h' })
  const rows = forecast.rows
  console.log(`forecast: ${forecast.model}`)

  const staffing = { interval_secs: 3600, aht_secs: ahtSecs }
  const expected = aa.staffing(rows.map((r) => r.point), staffing)
  const prudent = aa.staffing(rows.map((r) => r.upper_80), staffing)
  console.log('hour (UTC)  calls   80% interval    95% interval   agents  wait  agents at the 80% top')
  rows.forEach((row, i) => {
    const at = new Date(row.timestamp)
    const hour = `${WEEKDAYS[at.getUTCDay()]} ${at.toISOString().slice(11, 16)}`
    console.log(
      `${hour}  ${fixed(row.point, 1, 5)}  [${fixed(row.lower_80, 1, 5)}, ${fixed(row.upper_80, 1, 5)}]` +
        `  [${fixed(row.lower_95, 1, 5)}, ${fixed(row.upper_95, 1, 5)}]` +
        `  ${String(expected[i].agents).padStart(5)}  ${fixed(expected[i].expected_wait_secs, 1, 4)}s` +
        `  ${String(prudent[i].agents).padStart(5)}`,
    )
  })

  // The history's anomalous hours: each hour against the band forecast from the hours before
  // it, on the square-root scale of counts, after two weeks of warm-up; flagged at an anomaly
  // probability of 0.999, and runs of at least two hours (as the report does).
  const detector = {
    periods: [24, 168],
    transform: { kind: 'sqrt' },
    threshold: 0.999,
    refit_every: 24,
    warm_up: 336,
    calibration_windows: 8,
    max_gap: 1,
    min_len: 2,
  }
  console.log('anomalies found (after two weeks of warm-up):')
  for (const anomaly of await aa.detectAnomalies(volume, detector)) {
    console.log(
      `  ${dateTime(start + anomaly.start * HOUR_MS)} UTC, ${anomaly.end - anomaly.start} h, ${anomaly.direction},` +
        ` probability ${anomaly.peak_probability.toFixed(3)}`,
    )
  }
  console.log('anomalies planted:')
  for (const planted of simulated.truth.anomalies) {
    const [begins, ends] = [Date.parse(planted.start), Date.parse(planted.end)]
    console.log(`  ${dateTime(begins)} UTC, ${Math.floor((ends - begins) / HOUR_MS)} h: ${planted.description}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
