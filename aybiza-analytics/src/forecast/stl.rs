//! STL and MSTL decompositions for [`super::MstlEts`].
//!
//! The algorithm is stlrs 0.4's (a port of the netlib STL of Cleveland et al., 1990) as
//! augurs-mstl 0.10 runs it: single precision, MSTL (Bandara et al., 2021) with two iterations
//! over the periods and seasonal windows of 11, 15, … cycles, stlrs' default trend, low-pass,
//! degree and jump settings. The results are stlrs' bit for bit (the tests compare).
//!
//! It is reimplemented for repeated decompositions. A loess fit's weights depend only on where
//! the fit is and on the window (the series' length, the window's length, degree and jump),
//! never on the values, unless robustness weights enter. stlrs recomputes them at every fit,
//! two divisions per value in the window, while one forecast decomposes series of the same
//! length dozens of times (every inner loop, every MSTL iteration, every backtest refit). Here
//! the weights of a decomposition's smoothers are computed once ([`StlPlan`], kept per thread
//! for recently used lengths), and a fit is a dot product. Robust fits keep each fit's kernel,
//! which their robustness passes only reweight, normalise and tilt.

use std::cell::RefCell;
use std::rc::Rc;

use super::ForecastError;

/// Loess degree of the seasonal (cycle-subseries) smoother: locally constant.
const SEASONAL_DEGREE: usize = 0;
/// Loess degree of the trend and low-pass smoothers: locally linear.
const TREND_DEGREE: usize = 1;
/// MSTL iterations over the periods (one when there is a single period).
const MSTL_ITERATIONS: usize = 2;
/// Inner loops of each STL: two, or one with robustness iterations (stlrs' defaults).
const INNER_LOOPS: usize = 2;
const ROBUST_INNER_LOOPS: usize = 1;
/// Robustness iterations of a robust STL.
const ROBUST_OUTER_LOOPS: usize = 15;
/// A thread's cached plans, most recently used last.
type PlanCache = RefCell<Vec<(PlanKey, Rc<StlPlan>)>>;

/// What a plan depends on: the series length, the period, the seasonal window (the other
/// windows follow from these two) and whether robust fits use it.
type PlanKey = (usize, usize, usize, bool);

/// Plans kept per thread: one per series length and period, enough for a forecast's final fit
/// and its 12 backtest refits (whose histories are shorter than the final fit's when the series
/// is short) with two periods.
const CACHED_PLANS: usize = 32;
/// Bytes of plans kept per thread at most; the least recently used go first, and a larger
/// plan is used for one decomposition and not kept.
const MAX_CACHED_BYTES: usize = 4 << 20;

/// An MSTL decomposition.
pub(crate) struct Decomposition {
    /// One seasonal component per period, in the order the periods were given.
    pub seasonal: Vec<Vec<f32>>,
    /// Trend plus remainder: the series without its seasonal components.
    pub deseasonalised: Vec<f64>,
}

/// Decomposes `y` (at least two cycles of every period, each period at least 2) into one
/// seasonal component per period and the rest, as augurs-mstl does with stlrs' defaults;
/// `robust` adds STL's robustness iterations.
pub(crate) fn mstl(
    y: &[f64],
    periods: &[usize],
    robust: bool,
) -> Result<Decomposition, ForecastError> {
    let n = y.len();
    if periods.is_empty() {
        return Err(ForecastError::Model(
            "MSTL needs at least one period".into(),
        ));
    }
    if let Some(&period) = periods.iter().find(|&&p| p < 2) {
        return Err(ForecastError::Period(period));
    }
    if let Some(&period) = periods.iter().find(|&&p| n / 2 < p) {
        return Err(ForecastError::Model(format!(
            "MSTL: {n} values are fewer than two cycles of period {period}"
        )));
    }
    let mut order: Vec<usize> = (0..periods.len()).collect();
    order.sort_by_key(|&i| periods[i]);
    let iterations = if periods.len() == 1 {
        1
    } else {
        MSTL_ITERATIONS
    };
    let mut deseasonalised: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let mut seasonal = vec![vec![0.0f32; n]; periods.len()];
    let mut trend = vec![0.0f32; n];
    for iteration in 0..iterations {
        for (rank, &index) in order.iter().enumerate() {
            if iteration > 0 {
                for (d, s) in deseasonalised.iter_mut().zip(&seasonal[index]) {
                    *d += *s;
                }
            }
            let settings = StlSettings::new(periods[index], 7 + 4 * (rank + 1), robust);
            stl(&deseasonalised, &settings, &mut seasonal[index], &mut trend);
            for (d, s) in deseasonalised.iter_mut().zip(&seasonal[index]) {
                *d -= *s;
            }
        }
    }
    let deseasonalised = deseasonalised
        .iter()
        .zip(&trend)
        .map(|(&d, &t)| (t + (d - t)) as f64)
        .collect();
    Ok(Decomposition {
        seasonal,
        deseasonalised,
    })
}

/// One STL's window lengths (odd, at least 3), jumps and loops, derived like stlrs' defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StlSettings {
    period: usize,
    seasonal_len: usize,
    trend_len: usize,
    low_pass_len: usize,
    inner_loops: usize,
    outer_loops: usize,
}

impl StlSettings {
    /// Whether the STL runs robustness iterations.
    fn robust(&self) -> bool {
        self.outer_loops > 0
    }

    fn new(period: usize, seasonal_len: usize, robust: bool) -> Self {
        let odd = |len: usize| if len % 2 == 0 { len + 1 } else { len };
        let seasonal_len = odd(seasonal_len.max(3));
        let trend_len = (1.5 * period as f32 / (1.0 - 1.5 / seasonal_len as f32)).ceil() as usize;
        Self {
            period,
            seasonal_len,
            trend_len: odd(trend_len.max(3)),
            low_pass_len: odd(period.max(3)),
            inner_loops: if robust {
                ROBUST_INNER_LOOPS
            } else {
                INNER_LOOPS
            },
            outer_loops: if robust { ROBUST_OUTER_LOOPS } else { 0 },
        }
    }
}

/// A tenth of a window, rounded up: fits are computed every `jump` values and interpolated.
fn jump(len: usize) -> usize {
    (len as f32 / 10.0).ceil() as usize
}

/// The smoothers of one STL on series of one length.
struct StlPlan {
    /// Cycle-subseries smoothers by subseries length (a series holds at most two lengths).
    subseries: Vec<(usize, SubseriesSmoother)>,
    low_pass: Smoother,
    trend: Smoother,
}

impl StlPlan {
    fn new(n: usize, s: &StlSettings) -> Self {
        // The smoothers that robust fits use keep their kernels.
        let robust = s.robust();
        let mut subseries: Vec<(usize, SubseriesSmoother)> = Vec::with_capacity(2);
        for j in 1..=s.period.min(n) {
            let k = (n - j) / s.period + 1;
            if !subseries.iter().any(|(len, _)| *len == k) {
                subseries.push((k, SubseriesSmoother::new(k, s.seasonal_len, robust)));
            }
        }
        Self {
            subseries,
            low_pass: Smoother::new(n, s.low_pass_len, TREND_DEGREE, jump(s.low_pass_len), false),
            trend: Smoother::new(n, s.trend_len, TREND_DEGREE, jump(s.trend_len), robust),
        }
    }

    /// Memory held by the plan's fits and weights.
    fn bytes(&self) -> usize {
        let subseries: usize = self
            .subseries
            .iter()
            .map(|(_, s)| {
                let extrapolations = s.start.1.len() + s.end.1.len();
                s.smoother.bytes() + 2 * size_of::<PlannedFit>() + extrapolations * size_of::<f32>()
            })
            .sum();
        subseries + self.low_pass.bytes() + self.trend.bytes()
    }

    /// The plan for series of length `n` decomposed with `settings`: from this thread's cache,
    /// or built (and cached unless large).
    fn for_series(n: usize, settings: &StlSettings) -> Rc<Self> {
        thread_local! {
            static PLANS: PlanCache = const { RefCell::new(Vec::new()) };
        }
        let key: PlanKey = (n, settings.period, settings.seasonal_len, settings.robust());
        PLANS.with_borrow_mut(|plans| {
            if let Some(at) = plans.iter().position(|(k, _)| *k == key) {
                let entry = plans.remove(at);
                let plan = Rc::clone(&entry.1);
                plans.push(entry);
                return plan;
            }
            let plan = Rc::new(Self::new(n, settings));
            if plan.bytes() <= MAX_CACHED_BYTES {
                plans.push((key, Rc::clone(&plan)));
                let mut kept: usize = plans.iter().map(|(_, p)| p.bytes()).sum();
                while plans.len() > CACHED_PLANS || kept > MAX_CACHED_BYTES {
                    kept -= plans.remove(0).1.bytes();
                }
            }
            plan
        })
    }

    fn subseries(&self, k: usize) -> &SubseriesSmoother {
        let (_, smoother) = self
            .subseries
            .iter()
            .find(|(len, _)| *len == k)
            .expect("the plan holds every subseries length of its series");
        smoother
    }
}

/// A loess window: a series of `n` values smoothed over `len` neighbours with a local
/// polynomial of `degree` 0 or 1.
#[derive(Debug, Clone, Copy)]
struct Loess {
    n: usize,
    len: usize,
    degree: usize,
}

/// One loess fit: at position `xs` (1-based, as in the Fortran) from the values at
/// `left..=right`.
#[derive(Debug, Clone, Copy)]
struct LoessFit {
    xs: f32,
    left: usize,
    right: usize,
}

impl Loess {
    /// The half-width of the fit's window.
    fn bandwidth(&self, fit: LoessFit) -> f32 {
        let LoessFit { xs, left, right } = fit;
        let mut h = (xs - left as f32).max(right as f32 - xs);
        if self.len > self.n {
            h += ((self.len - self.n) / 2) as f32;
        }
        h
    }

    /// The tricube kernel at each value of the window (0 from 0.999 of the half-width on).
    fn kernel(&self, fit: LoessFit, w: &mut [f32]) {
        let LoessFit { xs, left, right } = fit;
        let h = self.bandwidth(fit);
        let (h9, h1) = (0.999 * h, 0.001 * h);
        for (j, wj) in (left..=right).zip(w.iter_mut()) {
            let r = (j as f32 - xs).abs();
            *wj = if r > h9 {
                0.0
            } else if r <= h1 {
                1.0
            } else {
                cube(1.0 - cube(r / h))
            };
        }
    }

    /// Turns kernel (times robustness) weights into the loess fit's: scaled to sum to 1 and,
    /// for a local line, tilted by the distance from their centre. False when they sum to 0.
    fn finish(&self, fit: LoessFit, w: &mut [f32]) -> bool {
        let LoessFit { xs, left, right } = fit;
        let total: f32 = w.iter().fold(0.0, |total, wj| total + wj);
        if total <= 0.0 {
            return false;
        }
        for wj in w.iter_mut() {
            *wj /= total;
        }
        if self.bandwidth(fit) > 0.0 && self.degree > 0 {
            let range = self.n as f32 - 1.0;
            let mut center = 0.0f32;
            for (j, wj) in (left..=right).zip(w.iter()) {
                center += *wj * j as f32;
            }
            let mut slope = xs - center;
            let mut spread = 0.0f32;
            for (j, wj) in (left..=right).zip(w.iter()) {
                let d = j as f32 - center;
                spread += *wj * (d * d);
            }
            if spread.sqrt() > 0.001 * range {
                slope /= spread;
                for (j, wj) in (left..=right).zip(w.iter_mut()) {
                    *wj *= slope * (j as f32 - center) + 1.0;
                }
            }
        }
        true
    }
}

/// Multiplies kernel weights by the values' robustness weights.
fn weigh(w: &mut [f32], robustness: &[f32]) {
    for (wj, rw) in w.iter_mut().zip(robustness) {
        *wj *= rw;
    }
}

fn cube(x: f32) -> f32 {
    x * x * x
}

/// A fit with its weights computed ahead: their range in the smoother's store (`None` when no
/// value has a positive weight) and, in smoothers that robust fits use, the range of its kernel
/// (the weights before robustness weights, normalisation and tilt).
#[derive(Debug, Clone)]
struct PlannedFit {
    /// 0-based index of the smoothed value it gives.
    target: usize,
    fit: LoessFit,
    weights: Option<std::ops::Range<usize>>,
    kernel: Option<std::ops::Range<usize>>,
}

impl PlannedFit {
    /// Plans `fit`, computing its weights (and with `keep_kernel` its kernel) into `store`.
    fn new(
        loess: Loess,
        target: usize,
        fit: LoessFit,
        store: &mut Vec<f32>,
        keep_kernel: bool,
    ) -> Self {
        let len = fit.right - fit.left + 1;
        let start = store.len();
        store.resize(start + len, 0.0);
        loess.kernel(fit, &mut store[start..]);
        let kernel = keep_kernel.then(|| {
            store.extend_from_within(start..start + len);
            start..start + len
        });
        let weights_start = store.len() - len;
        let weights = if loess.finish(fit, &mut store[weights_start..]) {
            Some(weights_start..store.len())
        } else {
            // A kernel that sums to 0 is 0 everywhere: no robust fit has weights either.
            store.truncate(start);
            None
        };
        Self {
            target,
            fit,
            kernel: kernel.filter(|_| weights.is_some()),
            weights,
        }
    }

    /// The loess value: the planned weights' sum of products with the window's values; with
    /// `robustness`, weights from the kernel (kept, or else computed) times those weights,
    /// computed in `scratch`. `None` when no value has a positive weight.
    fn value(
        &self,
        loess: Loess,
        store: &[f32],
        y: &[f32],
        robustness: Option<&[f32]>,
        scratch: &mut [f32],
    ) -> Option<f32> {
        let LoessFit { left, right, .. } = self.fit;
        let planned = &store[self.weights.clone()?];
        let weights = match robustness {
            None => planned,
            Some(rw) => {
                let w = &mut scratch[..=right - left];
                match &self.kernel {
                    Some(kernel) => w.copy_from_slice(&store[kernel.clone()]),
                    None => loess.kernel(self.fit, w),
                }
                weigh(w, &rw[left - 1..right]);
                if !loess.finish(self.fit, w) {
                    return None;
                }
                w
            }
        };
        let mut value = 0.0f32;
        for (w, v) in weights.iter().zip(&y[left - 1..right]) {
            value += w * v;
        }
        Some(value)
    }
}

/// Loess over a whole series at every `jump`-th position (and the last), linearly interpolated
/// between: stlrs' `ess`.
struct Smoother {
    loess: Loess,
    jump: usize,
    /// Whether the fits keep their kernels (for robust fits).
    keep_kernels: bool,
    fits: Vec<PlannedFit>,
    /// The fits' weights and kernels.
    store: Vec<f32>,
}

impl Smoother {
    fn new(n: usize, len: usize, degree: usize, jump: usize, keep_kernels: bool) -> Self {
        let mut smoother = Self {
            loess: Loess { n, len, degree },
            jump: jump.min(n.saturating_sub(1)).max(1),
            keep_kernels,
            fits: Vec::new(),
            store: Vec::new(),
        };
        if n < 2 {
            return smoother;
        }
        let jump = smoother.jump;
        let (mut left, mut right) = (1, n);
        if len >= n {
            for i in (1..=n).step_by(jump) {
                smoother.plan_at(i, left, right);
            }
        } else if jump == 1 {
            let half = len.div_ceil(2);
            right = len;
            for i in 1..=n {
                if i > half && right != n {
                    left += 1;
                    right += 1;
                }
                smoother.plan_at(i, left, right);
            }
        } else {
            let half = len.div_ceil(2);
            for i in (1..=n).step_by(jump) {
                (left, right) = if i < half {
                    (1, len)
                } else if i > n - half {
                    (n - len + 1, n)
                } else {
                    (i - half + 1, len + i - half)
                };
                smoother.plan_at(i, left, right);
            }
        }
        if jump != 1 && (n - 1) / jump * jump + 1 != n {
            smoother.plan_at(n, left, right);
        }
        smoother
    }

    /// Memory held by the planned fits, their weights and kernels.
    fn bytes(&self) -> usize {
        self.fits.len() * size_of::<PlannedFit>() + self.store.len() * size_of::<f32>()
    }

    /// Plans the fit at position `i` (1-based) from the values at `left..=right`.
    fn plan_at(&mut self, i: usize, left: usize, right: usize) {
        let fit = LoessFit {
            xs: i as f32,
            left,
            right,
        };
        let planned = PlannedFit::new(self.loess, i - 1, fit, &mut self.store, self.keep_kernels);
        self.fits.push(planned);
    }

    /// Smooths `y` (the plan's length) into `ys`; `scratch` holds a window's weights.
    fn smooth(&self, y: &[f32], robustness: Option<&[f32]>, ys: &mut [f32], scratch: &mut [f32]) {
        let n = self.loess.n;
        if n < 2 {
            ys[0] = y[0];
            return;
        }
        for planned in &self.fits {
            ys[planned.target] = planned
                .value(self.loess, &self.store, y, robustness, scratch)
                .unwrap_or(y[planned.target]);
        }
        let jump = self.jump;
        if jump == 1 {
            return;
        }
        let mut i = 1;
        while i <= n - jump {
            let delta = (ys[i + jump - 1] - ys[i - 1]) / jump as f32;
            for j in i + 1..i + jump {
                ys[j - 1] = ys[i - 1] + delta * (j - i) as f32;
            }
            i += jump;
        }
        let k = (n - 1) / jump * jump + 1;
        if k != n && k != n - 1 {
            let delta = (ys[n - 1] - ys[k - 1]) / (n - k) as f32;
            for j in k + 1..n {
                ys[j - 1] = ys[k - 1] + delta * (j - k) as f32;
            }
        }
    }
}

/// The smoother of one cycle-subseries (`k` values), with its extrapolations one cycle before
/// the first value and one after the last.
struct SubseriesSmoother {
    smoother: Smoother,
    start: (PlannedFit, Vec<f32>),
    end: (PlannedFit, Vec<f32>),
}

impl SubseriesSmoother {
    fn new(k: usize, seasonal_len: usize, keep_kernels: bool) -> Self {
        let smoother = Smoother::new(
            k,
            seasonal_len,
            SEASONAL_DEGREE,
            jump(seasonal_len),
            keep_kernels,
        );
        let loess = smoother.loess;
        let extrapolation = |target: usize, fit: LoessFit| {
            let mut store = Vec::new();
            let planned = PlannedFit::new(loess, target, fit, &mut store, keep_kernels);
            (planned, store)
        };
        let start_fit = LoessFit {
            xs: 0.0,
            left: 1,
            right: seasonal_len.min(k),
        };
        let end_fit = LoessFit {
            xs: (k + 1) as f32,
            left: (k as i64 - seasonal_len as i64 + 1).max(1) as usize,
            right: k,
        };
        Self {
            start: extrapolation(0, start_fit),
            end: extrapolation(k + 1, end_fit),
            smoother,
        }
    }

    /// Smooths the subseries `y` into `ys[1..=k]` and extrapolates `ys[0]` and `ys[k + 1]`
    /// (each the nearest smoothed value when no value has a positive weight).
    fn smooth(&self, y: &[f32], robustness: Option<&[f32]>, ys: &mut [f32], scratch: &mut [f32]) {
        let k = y.len();
        self.smoother.smooth(y, robustness, &mut ys[1..], scratch);
        let loess = self.smoother.loess;
        let (start, store) = &self.start;
        ys[0] = start
            .value(loess, store, y, robustness, scratch)
            .unwrap_or(ys[1]);
        let (end, store) = &self.end;
        ys[k + 1] = end
            .value(loess, store, y, robustness, scratch)
            .unwrap_or(ys[k]);
    }
}

/// Work space of one STL on `n` values with period `np`.
struct Work {
    detrended: Vec<f32>,
    /// Seasonal estimates, one cycle before the series to one after (`n + 2·np`).
    cycles: Vec<f32>,
    low_passed: Vec<f32>,
    scratch: Vec<f32>,
    subseries: Vec<f32>,
    subseries_robustness: Vec<f32>,
    smoothed: Vec<f32>,
    weights: Vec<f32>,
}

/// One STL of `y`, writing `season` and `trend` (stlrs' `stl`).
fn stl(y: &[f32], settings: &StlSettings, season: &mut [f32], trend: &mut [f32]) {
    let n = y.len();
    let np = settings.period;
    let plan = StlPlan::for_series(n, settings);
    // Every loess window lies within the series (or a subseries).
    let longest = n + 2 * np;
    let cycles_per_subseries = n / np + 3;
    let mut work = Work {
        detrended: vec![0.0; longest],
        cycles: vec![0.0; longest],
        low_passed: vec![0.0; longest],
        scratch: vec![0.0; longest],
        subseries: vec![0.0; cycles_per_subseries],
        subseries_robustness: vec![0.0; cycles_per_subseries],
        smoothed: vec![0.0; cycles_per_subseries],
        weights: vec![0.0; longest],
    };
    let mut robustness = vec![0.0f32; n];
    trend.fill(0.0);
    let mut robust = false;
    for outer in 0..=settings.outer_loops {
        if outer > 0 {
            let fit: Vec<f32> = trend
                .iter()
                .zip(season.iter())
                .map(|(t, s)| t + s)
                .collect();
            robustness_weights(y, &fit, &mut robustness);
            robust = true;
        }
        let rw = robust.then_some(robustness.as_slice());
        for _ in 0..settings.inner_loops {
            inner_loop(y, settings, &plan, rw, season, trend, &mut work);
        }
    }
}

/// One pass of STL's inner loop: detrend, smooth the cycle-subseries, remove their low-pass
/// (the seasonal component), deseasonalise and smooth the trend (stlrs' `onestp`).
fn inner_loop(
    y: &[f32],
    settings: &StlSettings,
    plan: &StlPlan,
    robustness: Option<&[f32]>,
    season: &mut [f32],
    trend: &mut [f32],
    work: &mut Work,
) {
    let n = y.len();
    let np = settings.period;
    for i in 0..n {
        work.detrended[i] = y[i] - trend[i];
    }
    for j in 1..=np {
        let k = (n - j) / np + 1;
        for i in 0..k {
            work.subseries[i] = work.detrended[i * np + j - 1];
        }
        let rw = robustness.map(|rw| {
            for i in 0..k {
                work.subseries_robustness[i] = rw[i * np + j - 1];
            }
            &work.subseries_robustness[..k]
        });
        plan.subseries(k).smooth(
            &work.subseries[..k],
            rw,
            &mut work.smoothed,
            &mut work.weights,
        );
        for m in 0..k + 2 {
            work.cycles[m * np + j - 1] = work.smoothed[m];
        }
    }
    low_pass(
        &work.cycles[..n + 2 * np],
        np,
        &mut work.low_passed,
        &mut work.scratch,
    );
    plan.low_pass.smooth(
        &work.low_passed[..n],
        None,
        &mut work.detrended,
        &mut work.weights,
    );
    let cycles = &work.cycles[np..np + n];
    for (((s, c), d), v) in season
        .iter_mut()
        .zip(cycles)
        .zip(&mut work.detrended)
        .zip(y)
    {
        *s = c - *d;
        *d = v - *s;
    }
    plan.trend
        .smooth(&work.detrended[..n], robustness, trend, &mut work.weights);
}

/// Moving averages of lengths `np`, `np` and 3 (stlrs' `fts`): `x` has `n + 2·np` values,
/// `out` gets the `n` averages.
fn low_pass(x: &[f32], np: usize, out: &mut [f32], scratch: &mut [f32]) {
    let len = x.len();
    moving_average(x, len, np, out);
    moving_average(out, len - np + 1, np, scratch);
    moving_average(scratch, len - 2 * np + 2, 3, out);
}

/// The `n − len + 1` moving averages of length `len` over `x[..n]`, written to `averages`.
fn moving_average(x: &[f32], n: usize, len: usize, averages: &mut [f32]) {
    let count = n - len + 1;
    let flen = len as f32;
    let mut sum: f32 = x.iter().take(len).copied().sum();
    averages[0] = sum / flen;
    for m in 1..count {
        sum = sum - x[m - 1] + x[len + m - 1];
        averages[m] = sum / flen;
    }
}

/// Bisquare robustness weights from the residuals `y − fit` (stlrs' `rwts`).
fn robustness_weights(y: &[f32], fit: &[f32], rw: &mut [f32]) {
    let n = y.len();
    for i in 0..n {
        rw[i] = (y[i] - fit[i]).abs();
    }
    let (mid1, mid2) = ((n - 1) / 2, n / 2);
    rw.sort_unstable_by(|a, b| a.total_cmp(b));
    let cmad = 3.0 * (rw[mid1] + rw[mid2]);
    let (c9, c1) = (0.999 * cmad, 0.001 * cmad);
    for i in 0..n {
        let r = (y[i] - fit[i]).abs();
        rw[i] = if r <= c1 {
            1.0
        } else if r <= c9 {
            let u = r / cmad;
            let v = 1.0 - u * u;
            v * v
        } else {
            0.0
        };
    }
}

#[cfg(test)]
mod tests {
    use augurs_mstl::stlrs;

    use super::*;

    /// stlrs' MSTL with the settings augurs-mstl uses: the seasonal components and the
    /// deseasonalised series as augurs-mstl forms it (`trend + remainder`).
    fn reference(y: &[f64], periods: &[usize], robust: bool) -> (Vec<Vec<f32>>, Vec<f64>) {
        let y: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        let mut stl = stlrs::params();
        stl.robust(robust);
        let mut params = stlrs::MstlParams::new();
        params.stl_params(stl);
        let fit = params.fit(&y, periods).expect("stlrs decomposes");
        let deseasonalised = fit
            .trend()
            .iter()
            .zip(fit.remainder())
            .map(|(t, r)| (t + r) as f64)
            .collect();
        (fit.seasonal().to_vec(), deseasonalised)
    }

    fn series(n: usize, periods: &[usize], seed: u64) -> Vec<f64> {
        let noise = |t: usize| (((t as u64 * 2_654_435_761 + seed) % 1_000) as f64 / 1_000.0) - 0.5;
        (0..n)
            .map(|t| {
                let cycles: f64 = periods
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| {
                        (3.0 - i as f64) * (std::f64::consts::TAU * t as f64 / p as f64).sin()
                    })
                    .sum();
                // A level shift and an outlier, which the robust fit downweights.
                let shift = if t > n / 2 { 4.0 } else { 0.0 };
                let outlier = if t == n / 3 { 40.0 } else { 0.0 };
                100.0 + 0.05 * t as f64 + cycles + shift + outlier + 2.0 * noise(t)
            })
            .collect()
    }

    #[test]
    fn decompositions_are_stlrs_bit_for_bit() {
        let cases: &[(usize, &[usize])] = &[
            (140, &[7]),
            (337, &[7]),
            (14, &[7]),
            (15, &[7]),
            (61, &[2]),
            (200, &[12, 24]),
            (1_000, &[24, 168]),
            (729, &[5, 48, 170]),
        ];
        for &(n, periods) in cases {
            for robust in [false, true] {
                let y = series(n, periods, n as u64);
                // Twice: the second run takes the plan from the cache.
                for _ in 0..2 {
                    let ours = mstl(&y, periods, robust).expect("decomposes");
                    let (seasonal, deseasonalised) = reference(&y, periods, robust);
                    let context = format!("n {n}, periods {periods:?}, robust {robust}");
                    assert_eq!(ours.seasonal, seasonal, "{context}");
                    assert_eq!(ours.deseasonalised, deseasonalised, "{context}");
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any length and set of periods (each fitting twice, duplicates allowed), plain or
        /// robust, over noise: stlrs' decomposition, bit for bit.
        #[test]
        fn any_decomposition_is_stlrs_bit_for_bit(
            periods in proptest::collection::vec(2usize..40, 1..4),
            extra in 0usize..120,
            robust in proptest::bool::ANY,
            values in proptest::collection::vec(-1.0e4f64..1.0e4, 80 + 120),
        ) {
            let n = 2 * periods.iter().max().copied().unwrap_or(2) + extra;
            let y = &values[..n.min(values.len())];
            let periods: Vec<usize> = periods.into_iter().filter(|&p| 2 * p <= y.len()).collect();
            proptest::prop_assume!(!periods.is_empty());
            let ours = mstl(y, &periods, robust).expect("decomposes");
            let (seasonal, deseasonalised) = reference(y, &periods, robust);
            proptest::prop_assert_eq!(ours.seasonal, seasonal);
            proptest::prop_assert_eq!(ours.deseasonalised, deseasonalised);
        }
    }

    #[test]
    fn bad_periods_and_fewer_than_two_cycles_are_refused() {
        let y = series(20, &[7], 1);
        assert!(matches!(
            mstl(&y[..13], &[7], false),
            Err(ForecastError::Model(_))
        ));
        assert_eq!(mstl(&y, &[1], false).err(), Some(ForecastError::Period(1)));
        assert!(matches!(mstl(&y, &[], false), Err(ForecastError::Model(_))));
    }
}
