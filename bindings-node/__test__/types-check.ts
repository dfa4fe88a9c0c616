// Compiled (never run) by types.test.js: the published types accept the documented uses
// and refuse wrong ones (each @ts-expect-error must be an error, or tsc fails).
import {
  JourneyTracker,
  LlmClient,
  LiveRules,
  Redactor,
  SentimentAnalyzer,
  attribution,
  attributionCsv,
  bgNbdProbabilityAlive,
  cohorts,
  fitBgNbd,
  funnel,
  journeyMap,
  journeySegments,
  classifyCsv,
  regressTable,
  forecast,
  OutcomeModels,
  Store,
  pushPowerBi,
  parseJsonl,
  renderReportHtml,
  simulate,
  simulateJsonl,
  type Call,
  type CallTruth,
  type DataRecord,
  type IngestReport,
  type PiiEntity,
  type PiiKind,
  type RecordError,
  type Redacted,
  type Report,
  type Sentiment,
  type ReportPaths,
  type SimOutput,
  type AttributionReport,
  type CohortTable,
  type FunnelStep,
  type JourneyMap,
  type JourneyUpdate,
  type SegmentComparison,
  type OutcomePredictions,
  type ClassifyReport,
  type RegressReport,
  type FeatureImportance,
  type RuleHit,
} from '../index'

export async function documentedUses(): Promise<number> {
  const store: Store = await Store.open('calls.db')
  const memory: Store = Store.memory()
  const report: IngestReport = await store.ingest([
    { type: 'tenant', id: 'acme', name: 'Acme' },
    { type: 'call', id: 'c1', tenant: 'acme', customer_id: 'u1', channel: 'voice', direction: 'inbound', started_at: new Date() },
    { type: 'utterance', tenant: 'acme', call_id: 'c1', seq: 0, speaker: 'bot', text: 'hi', start_ms: 0, end_ms: 900, voice: { energy: 0.4 } },
    { type: 'journey_event', id: 'e1', tenant: 'acme', customer_id: 'u1', channel: 'web', action: 'visit', timestamp: '2026-03-02T14:00:00Z' },
    { type: 'metric', tenant: 'acme', metric: 'queue_depth', timestamp: new Date(), value: 3 },
  ])
  const fromText: IngestReport = await memory.ingestJsonl(new Uint8Array([123, 125]))
  const rejected: RecordError[] = [...report.rejected, ...fromText.rejected]
  const calls: Call[] = await store.calls('acme', new Date(), '2026-03-03T00:00:00Z')
  const open: Call[] = await store.calls('acme', null, undefined)
  const tenantName: string | undefined = (await store.tenant('acme'))?.name
  const ids: string[] = await store.tenantIds()
  const words = (await store.transcript('acme', 'c1')).map((u) => u.text)
  const records: DataRecord[] = parseJsonl('').records
  const journeys = await store.journeyEvents('acme')
  const metrics = await store.metrics('acme')
  const utterances = await store.utterances('acme')
  return rejected.length + calls.length + open.length + (tenantName ?? '').length + ids.length + words.length +
    records.length + journeys.length + metrics.length + utterances.length
}

export async function newCapabilities(store: Store): Promise<number> {
  const sim: SimOutput = await simulate({ seed: 7n, tenants: 1, start: new Date(), days: 2, anomaly_days: 0 })
  const defaults: SimOutput = await simulate()
  const truth: CallTruth[] = sim.truth.calls
  const scenario: string = truth[0].scenario
  const repeatOf: string | null = truth[0].repeat_of
  await store.ingestJsonl(await simulateJsonl({ start: '2026-01-05T00:00:00Z' }))
  const report: Report = await store.report(null, new Date(), ['acme'])
  const total: number = report.overall.metrics.calls.total
  const mean: number | null = report.tenants[0].metrics.calls.handle_time.mean_secs
  const perHour: number[] = report.overall.metrics.volume.by_hour
  const page: string = renderReportHtml(report)
  const paths: ReportPaths = await store.writeReport('out', undefined, undefined, null)
  const redactor = new Redactor(['card', 'email'])
  const everything = new Redactor()
  const kinds: PiiKind[] = redactor.kinds
  const entities: PiiEntity[] = everything.find('4111 1111 1111 1111')
  const redacted: Redacted = redactor.redact('jane@example.com')
  const batch: Redacted[] = await redactor.redactBatch(['a', 'b'])
  return defaults.records.length + scenario.length + (repeatOf ?? '').length + total + (mean ?? 0) + perHour.length +
    page.length + paths.json.length + paths.html.length + kinds.length + entities.length + redacted.text.length +
    batch.length + (entities[0]?.char_start ?? 0)
}

export async function sentimentUses(): Promise<number> {
  const analyzer = new SentimentAnalyzer({ maxTextBytes: 2000 })
  const one: Sentiment = analyzer.analyze(new TextEncoder().encode('thanks, that fixed it'))
  const label: 'negative' | 'neutral' | 'positive' = one.label
  const many: Sentiment[] = await new SentimentAnalyzer().analyzeBatch(['a', new Uint8Array([98])])
  return one.score + one.emotions.frustrated + one.urgency + many.length + label.length + analyzer.maxTextBytes
}

export async function journeyUses(): Promise<number> {
  const report: AttributionReport = await attribution([{ path: ['a', 'b'], conversions: 1 }, { path: 'b', conversions: 0, nulls: 2 }], { markov_order: 2 })
  const fromFile: AttributionReport = await attributionCsv('paths.csv.gz', { value: null })
  const events = [{ case: '1', activity: 'visit', timestamp: new Date() }, { case: '1', activity: 'buy', timestamp: '2026-01-05T09:00:00Z' }]
  const map: JourneyMap = await journeyMap(events)
  const steps: FunnelStep[] = await funnel(events, ['visit', 'buy'])
  const table: CohortTable = await cohorts([{ customer: 'c', timestamp: new Date() }], 'week', null)
  const customer = { frequency: 1, recency: 2, age: 3, monetary_value: 4 }
  const alive = bgNbdProbabilityAlive(await fitBgNbd([customer]), customer)
  const tracker = new JourneyTracker({ min_support: 1 }, events, (update: JourneyUpdate) => update.abandonment_risk)
  const update: JourneyUpdate = tracker.track({ id: 'e', customer_id: 'c', action: 'visit', timestamp: new Date() })
  const closed: string[] = tracker.evictIdle(new Date())
  return report.models.length + fromFile.channels.length + map.edges.length + steps.length + table.cohorts.length +
    alive + update.touchpoints + closed.length + tracker.openJourneys() + (map.edges[0]?.from.length ?? 0)
}

export async function refusedUses(store: Store): Promise<void> {
  // @ts-expect-error cohort periods are day, week or month
  await cohorts([], 'year')
  // @ts-expect-error a tracked event needs a customer
  new JourneyTracker().track({ id: 'e', action: 'visit', timestamp: new Date() })
  // @ts-expect-error unknown simulation config field
  await simulate({ calls_a_day: 10 })
  // @ts-expect-error a PII kind is one of the documented names
  new Redactor(['credit_card'])
  // @ts-expect-error tenants are an array of ids
  await store.report(null, null, 'acme')
  // @ts-expect-error analyzeBatch takes an array of texts
  await new SentimentAnalyzer().analyzeBatch('text')
  // @ts-expect-error the option is maxTextBytes
  new SentimentAnalyzer({ max_text_bytes: 10 })
  // @ts-expect-error redactBatch takes an array of strings
  await new Redactor().redactBatch('text')
  // @ts-expect-error a time bound is a Date, a string or null
  await store.calls('acme', 1709380800000)
  // @ts-expect-error a call needs its required fields
  await store.ingest([{ type: 'call', id: 'c1' }])
  // @ts-expect-error unknown record type
  await store.ingest([{ type: 'fax', id: 'f1' }])
  // @ts-expect-error stores are made by Store.open or Store.memory, not from a path
  new Store('calls.db')
  // Segments, trackers from a store and outcome models.
  const comparison: SegmentComparison = await journeySegments([{ case: 'a', activity: 'visit', timestamp: '2026-01-01T00:00:00Z', segment: 'ads' }])
  const rate: number = comparison.segments[0].conversion_rate
  const fromStore: JourneyTracker = await JourneyTracker.fromStore(store, 'acme', { min_support: 2 })
  const trained: OutcomeModels = await OutcomeModels.train(store, 'acme', null, null, { trees: 10 })
  const predicted: OutcomePredictions[] = await trained.predict(store, 'acme')
  const bytes: Uint8Array = trained.toBytes()
  const report: ClassifyReport = await classifyCsv('data.csv', 'label', 5)
  const regressed: RegressReport = await regressTable([{ holds: 1, seconds: 300 }], 'seconds', 2, { trees: 10 })
  const r2: number = regressed.mean_r2
  const ranked: FeatureImportance[] = regressed.importance
  void [rate, fromStore, predicted, bytes, report, r2, ranked]
  // @ts-expect-error segment options are typed
  await journeySegments([], { top: 3 })
}

import {
  CallTracker,
  type CallState,
  type CallSummary,
  type RealtimeEvent,
  type RealtimeUpdate,
} from '../index'

export async function realtimeUses(): Promise<number> {
  const tracker = new CallTracker({
    max_text_bytes: 2048,
    thresholds: { escalation_warning: 0.7 },
    risk_weights: { voice_stress: 1.0 },
  })
  tracker.startCall({
    id: 'c1',
    tenant: 'acme',
    customer_id: 'u1',
    channel: 'voice',
    direction: 'inbound',
    started_at: '2026-01-05T09:00:00Z',
  })
  const id: number = tracker.subscribe((event: RealtimeEvent) => event.update.recommendations.tone)
  const update: RealtimeUpdate = tracker.onUtterance('acme', 'c1', {
    seq: 0,
    speaker: 'customer',
    text: 'Where is my order?',
    start_ms: 0,
    end_ms: 1800,
    voice: { energy: 0.4, interruption: false },
  })
  const state: CallState = tracker.state('acme', 'c1')
  const summary: CallSummary = tracker.endCall('acme', 'c1', 'resolved', new Date())
  const flushed = await tracker.flushEnded(Store.memory())
  tracker.unsubscribe(id)
  // @ts-expect-error an utterance needs its sequence number
  tracker.onUtterance('acme', 'c2', { speaker: 'customer', text: 'Hi', start_ms: 0, end_ms: 1 })
  // @ts-expect-error unknown config field
  new CallTracker({ shard_count: 4 })
  // @ts-expect-error unknown risk weight
  new CallTracker({ risk_weights: { mood: 1 } })
  const weight: number = update.state.risk_drivers.anger
  return update.state.escalation_risk + weight + state.satisfaction + summary.quarters[0].quarter + flushed.calls + tracker.subscriberErrors.length
}

export async function llmUses(): Promise<number> {
  const llm = new LlmClient({ region: 'us-east-1', api: 'invoke_model', timeout_seconds: 30, redact_prompts: true })
  const answer = await llm.complete({ system: 's', user: 'u', tier: 'large', json_schema: { type: 'object' } }, 'acme')
  const deep = await llm.deepen([{ group_id: 'g1', label: 'billing', size: 80 }], 'acme', { max_samples: 4 })
  const summary = await llm.summarize({ calls: 10 })
  const cost: number = llm.costs()['acme']?.total.cost_usd ?? 0
  // @ts-expect-error the api is converse or invoke_model
  new LlmClient({ api: 'openai' })
  // @ts-expect-error a request needs its user content
  await llm.complete({ system: 's' })
  return answer.usage.input_tokens + deep.groups.length + summary.summary.key_findings.length + cost
}

export function liveRules(): string[] {
  const rules: LiveRules = LiveRules.fromToml('[[rules]]\nid = "a"\nwhen = { silence = { at_least_ms = 1 } }')
  const hits: RuleHit[] = rules.matchTranscript([{ speaker: 'customer', text: 'hi', seq: 0, start_ms: 0, sentiment: -0.2 }], 1000)
  // @ts-expect-error a speaker is one of customer, agent, bot
  LiveRules.default().matchTranscript([{ speaker: 'caller', text: 'hi', seq: 0, start_ms: 0 }])
  const call = rules.newCall()
  const live: RuleHit[] = call.onUtterance({ speaker: 'agent', text: 'hello', seq: 0, start_ms: 0 }).concat(call.endCall(2000))
  return hits.concat(live).map((hit) => hit.rule_id).concat(LiveRules.default().ruleIds)
}

export async function forecastWithCalendar(): Promise<number> {
  const result = await forecast([1, 2, 3], 1, { periods: [7], calendar: [true, 0, 1, false] })
  // @ts-expect-error a working-day flag is a boolean, 0 or 1
  await forecast([1, 2, 3], 1, { calendar: ['yes'] })
  return result.rows.length
}

export async function powerBiPush(store: Store): Promise<number> {
  const pushed = await pushPowerBi(store, 'acme', 'Calls', { access_token: 't', workspace: 'ws' }, null, null, { tables: ['calls'] }, { mode: 'replace', retention: 'basic_fifo' })
  // @ts-expect-error the mode is append or replace
  await pushPowerBi(store, 'acme', 'Calls', null, null, null, null, { mode: 'upsert' })
  return pushed.tables.reduce((sum, t) => sum + t.rows, 0) + (pushed.created ? 1 : 0)
}
