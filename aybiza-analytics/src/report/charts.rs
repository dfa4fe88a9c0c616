//! Small inline-SVG charts: horizontal bars, columns, a line and a heatmap of counts, and a
//! timeline of spans.
//!
//! Every chart is a `<figure>` with a caption, an SVG with an accessible label,
//! axis titles, and a `<title>` tooltip on each mark. Every string from data is
//! escaped here; callers pass raw text. Colours and fonts come from the page's
//! stylesheet (classes `chart`, `bar`, `grid`, `axis`, …), so charts need nothing external.

use std::fmt::Write as _;

use super::format::{count, escape, truncate};

/// Natural width of line, column and heatmap charts in pixels; charts shrink to narrower containers.
const WIDTH: f64 = 720.0;
/// Natural width of bar charts, narrow enough for half a page.
const BAR_WIDTH: f64 = 520.0;

/// One labeled count for a bar or column chart.
pub(super) struct Bar {
    /// Category name (raw; escaped when drawn).
    pub label: String,
    /// Its count.
    pub count: u64,
}

/// One point of a line chart.
pub(super) struct LinePoint {
    /// Position on the x axis, in the caller's unit (e.g. days since the first date).
    pub x: f64,
    /// The count.
    pub count: u64,
    /// Tooltip text (raw).
    pub tooltip: String,
}

/// One cell of a heatmap.
pub(super) struct HeatCell {
    /// The count.
    pub count: u64,
    /// Tooltip text (raw).
    pub tooltip: String,
}

/// A line chart's data and axis text.
pub(super) struct LineChart<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Title of the x axis.
    pub x_axis: &'a str,
    /// Title of the y axis.
    pub y_axis: &'a str,
    /// Points in ascending `x` order.
    pub points: &'a [LinePoint],
    /// Labeled positions on the x axis.
    pub x_ticks: &'a [(f64, String)],
}

/// A heatmap's data and axis text.
pub(super) struct Heatmap<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Title of the column axis.
    pub x_axis: &'a str,
    /// Row names, top to bottom.
    pub row_labels: &'a [&'a str],
    /// Column names, left to right; empty strings leave a column unlabeled.
    pub column_labels: &'a [String],
    /// Cells by row then column; every row has one cell per column label.
    pub cells: &'a [Vec<HeatCell>],
}

/// Horizontal bars, one per category, with the count at the end of each bar.
pub(super) fn bar_chart(title: &str, value_axis: &str, unit: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 24.0;
    const TOP: f64 = 8.0;
    const BOTTOM: f64 = 40.0;
    const VALUE_ROOM: f64 = 64.0;
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest as f64 * 7.0 + 16.0).clamp(64.0, 220.0);
    let max_label_chars = ((label_width - 16.0) / 7.0) as usize;
    let (x0, x1) = (label_width, BAR_WIDTH - VALUE_ROOM);
    let height = TOP + ROW * bars.len() as f64 + BOTTOM;
    let plot_bottom = TOP + ROW * bars.len() as f64;
    let (top, ticks) = nice_ticks(bars.iter().map(|b| b.count).max().unwrap_or(0));
    let x_of = |v: f64| x0 + (x1 - x0) * v / top;

    let mut svg = open_svg(title, BAR_WIDTH, height);
    for &tick in &ticks {
        let x = x_of(tick);
        let _ = write!(
            svg,
            r#"<line class="gridline" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{plot_bottom:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            plot_bottom + 14.0,
            count(tick as u64)
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let width = x_of(bar.count as f64) - x0;
        let _ = write!(
            svg,
            r#"<g><title>{label}: {value} {unit}</title><text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{short}</text><rect class="bar" x="{x0:.1}" y="{:.1}" width="{width:.1}" height="16" rx="2"/><text class="value" x="{:.1}" y="{:.1}">{value}</text></g>"#,
            x0 - 8.0,
            y + 16.0,
            y + 4.0,
            x0 + width + 6.0,
            y + 16.0,
            label = escape(&bar.label),
            short = escape(&truncate(&bar.label, max_label_chars)),
            value = count(bar.count),
            unit = escape(unit),
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{x0:.1}" y1="{TOP}" x2="{x0:.1}" y2="{plot_bottom:.1}"/><text class="axis-title" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        (x0 + x1) / 2.0,
        height - 6.0,
        escape(value_axis)
    );
    close_svg(svg)
}

/// Vertical columns, one per category, labeled below.
pub(super) fn column_chart(
    title: &str,
    x_axis: &str,
    y_axis: &str,
    unit: &str,
    columns: &[Bar],
) -> String {
    const HEIGHT: f64 = 240.0;
    let (x0, x1, y0, y1) = (64.0, WIDTH - 16.0, HEIGHT - 48.0, 12.0);
    let (top, ticks) = nice_ticks(columns.iter().map(|c| c.count).max().unwrap_or(0));
    let y_of = |v: f64| y0 - (y0 - y1) * v / top;
    let slot = (x1 - x0) / columns.len().max(1) as f64;

    let mut svg = open_svg(title, WIDTH, HEIGHT);
    y_grid(&mut svg, &ticks, y_of, x0, x1);
    for (i, column) in columns.iter().enumerate() {
        let x = x0 + slot * i as f64 + slot * 0.15;
        let y = y_of(column.count as f64);
        let _ = write!(
            svg,
            r#"<g><title>{label}: {value} {unit}</title><rect class="bar" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="2"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{label}</text></g>"#,
            slot * 0.7,
            y0 - y,
            x + slot * 0.35,
            y0 + 14.0,
            label = escape(&column.label),
            value = count(column.count),
            unit = escape(unit),
        );
    }
    axes(&mut svg, x_axis, y_axis, (x0, x1, y0, y1), HEIGHT);
    close_svg(svg)
}

/// A line with markers over a numeric x axis, with the area under it shaded.
pub(super) fn line_chart(chart: &LineChart<'_>) -> String {
    const HEIGHT: f64 = 260.0;
    let (x0, x1, y0, y1) = (64.0, WIDTH - 24.0, HEIGHT - 48.0, 12.0);
    let points = chart.points;
    let (top, ticks) = nice_ticks(points.iter().map(|p| p.count).max().unwrap_or(0));
    let first = points.first().map_or(0.0, |p| p.x);
    let last = points.last().map_or(0.0, |p| p.x);
    let (lo, hi) = if last > first {
        (first, last)
    } else {
        (first - 0.5, first + 0.5)
    };
    let x_of = |x: f64| x0 + (x1 - x0) * (x - lo) / (hi - lo);
    let y_of = |v: f64| y0 - (y0 - y1) * v / top;

    let mut svg = open_svg(chart.title, WIDTH, HEIGHT);
    y_grid(&mut svg, &ticks, y_of, x0, x1);
    for (x, label) in chart.x_ticks {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x_of(*x),
            y0 + 16.0,
            escape(label)
        );
    }
    if !points.is_empty() {
        let mut line = String::new();
        for (i, p) in points.iter().enumerate() {
            let _ = write!(
                line,
                "{}{:.1},{:.1}",
                if i == 0 { "M" } else { " L" },
                x_of(p.x),
                y_of(p.count as f64)
            );
        }
        let _ = write!(
            svg,
            r#"<path class="area" d="{line} L{:.1},{y0:.1} L{:.1},{y0:.1} Z"/><path class="line" d="{line}"/>"#,
            x_of(last),
            x_of(first),
        );
        let radius = if points.len() <= 62 { 3.0 } else { 1.5 };
        for p in points {
            let _ = write!(
                svg,
                r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="{radius}"><title>{}</title></circle>"#,
                x_of(p.x),
                y_of(p.count as f64),
                escape(&p.tooltip)
            );
        }
    }
    axes(
        &mut svg,
        chart.x_axis,
        chart.y_axis,
        (x0, x1, y0, y1),
        HEIGHT,
    );
    close_svg(svg)
}

/// A grid of cells shaded by count (darker is more), with row totals and a legend.
pub(super) fn heatmap(map: &Heatmap<'_>) -> String {
    const CELL_W: f64 = 26.0;
    const CELL_H: f64 = 24.0;
    const LEFT: f64 = 48.0;
    const TOP: f64 = 22.0;
    let columns = map.column_labels.len();
    let rows = map.row_labels.len();
    let grid_bottom = TOP + CELL_H * rows as f64;
    let grid_right = LEFT + CELL_W * columns as f64;
    let width = grid_right + 64.0;
    let height = grid_bottom + 64.0;
    let max = map
        .cells
        .iter()
        .flatten()
        .map(|c| c.count)
        .max()
        .unwrap_or(0);
    let show_numbers = max < 1000;

    let mut svg = open_svg(map.title, width, height);
    let _ = write!(
        svg,
        r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">Total</text>"#,
        width - 4.0,
        TOP - 8.0
    );
    for (col, label) in map.column_labels.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + CELL_W * (col as f64 + 0.5),
            TOP - 8.0,
            escape(label)
        );
    }
    for (row, (label, cells)) in map.row_labels.iter().zip(map.cells).enumerate() {
        let y = TOP + CELL_H * row as f64;
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 8.0,
            y + CELL_H / 2.0 + 4.0,
            escape(label)
        );
        for (col, cell) in cells.iter().take(columns).enumerate() {
            let share = if max > 0 {
                cell.count as f64 / max as f64
            } else {
                0.0
            };
            let x = LEFT + CELL_W * col as f64;
            let _ = write!(
                svg,
                r#"<g><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
                escape(&cell.tooltip),
                CELL_W - 2.0,
                CELL_H - 2.0,
                heat_colour(cell.count, share),
            );
            if show_numbers && cell.count > 0 {
                let _ = write!(
                    svg,
                    r#"<text class="{}" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    if share > 0.55 {
                        "cell-dark"
                    } else {
                        "cell-light"
                    },
                    x + (CELL_W - 2.0) / 2.0,
                    y + CELL_H / 2.0 + 3.0,
                    cell.count
                );
            }
            svg.push_str("</g>");
        }
        let _ = write!(
            svg,
            r#"<text class="value" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            width - 4.0,
            y + CELL_H / 2.0 + 4.0,
            // Saturating: a report read back from JSON may hold any counts.
            count(
                cells
                    .iter()
                    .fold(0, |sum: u64, c| sum.saturating_add(c.count))
            )
        );
    }
    let legend_y = grid_bottom + 12.0;
    let _ = write!(
        svg,
        r#"<text class="axis-title" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="tick" x="{LEFT}" y="{:.1}">Fewer</text>"#,
        (LEFT + grid_right) / 2.0,
        legend_y + 10.0,
        escape(map.x_axis),
        legend_y + 42.0,
    );
    for step in 0..=5 {
        let share = f64::from(step) / 5.0;
        let _ = write!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="18" height="12" fill="{}"/>"#,
            LEFT + 44.0 + 20.0 * f64::from(step),
            legend_y + 32.0,
            heat_colour(u64::from(step > 0), share),
        );
    }
    let _ = write!(
        svg,
        r#"<text class="tick" x="{:.1}" y="{:.1}">More (max {})</text>"#,
        LEFT + 44.0 + 20.0 * 6.0 + 4.0,
        legend_y + 42.0,
        count(max)
    );
    close_svg(svg)
}

/// One stretch of time on a timeline row.
pub(super) struct TimelineSpan {
    /// Start, in the caller's unit along the x axis (e.g. hours since the first call).
    pub start: f64,
    /// End, in the same unit; at least `start`.
    pub end: f64,
    /// Tooltip text (raw).
    pub tooltip: String,
}

/// One row of a timeline: a label and its spans.
pub(super) struct TimelineRow {
    /// Row name (raw).
    pub label: String,
    /// The row's spans, in any order.
    pub spans: Vec<TimelineSpan>,
}

/// A timeline's data and axis text.
pub(super) struct Timeline<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Title of the x axis.
    pub x_axis: &'a str,
    /// The x axis runs from 0 to this.
    pub x_max: f64,
    /// Labeled positions on the x axis.
    pub x_ticks: &'a [(f64, String)],
    /// Rows, top to bottom.
    pub rows: &'a [TimelineRow],
}

/// Spans of time as bars on labeled rows (a Gantt-style timeline), each with a tooltip.
pub(super) fn timeline(chart: &Timeline<'_>) -> String {
    const ROW: f64 = 22.0;
    const TOP: f64 = 8.0;
    const BOTTOM: f64 = 44.0;
    const LABEL: f64 = 220.0;
    let height = TOP + ROW * chart.rows.len().max(1) as f64 + BOTTOM;
    let (x0, x1) = (LABEL, WIDTH - 16.0);
    let x_max = chart.x_max.max(f64::MIN_POSITIVE);
    let x_of = |x: f64| x0 + (x1 - x0) * (x / x_max).clamp(0.0, 1.0);
    let mut svg = open_svg(chart.title, WIDTH, height);
    let y_axis_end = TOP + ROW * chart.rows.len() as f64;
    for (x, label) in chart.x_ticks {
        let x = x_of(*x);
        let _ = write!(
            svg,
            r#"<line class="gridline" x1="{x:.1}" y1="{TOP:.1}" x2="{x:.1}" y2="{y_axis_end:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            y_axis_end + 16.0,
            escape(label)
        );
    }
    for (index, row) in chart.rows.iter().enumerate() {
        let y = TOP + ROW * index as f64;
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            x0 - 8.0,
            y + ROW / 2.0 + 4.0,
            escape(&truncate(&row.label, 30))
        );
        for span in &row.spans {
            let (start, end) = (x_of(span.start), x_of(span.end.max(span.start)));
            let _ = write!(
                svg,
                r#"<rect class="bar" x="{start:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{}</title></rect>"#,
                y + 4.0,
                (end - start).max(2.0),
                ROW - 8.0,
                escape(&span.tooltip)
            );
        }
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{x0:.1}" y1="{y_axis_end:.1}" x2="{x1:.1}" y2="{y_axis_end:.1}"/><text class="axis-title" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        (x0 + x1) / 2.0,
        height - 8.0,
        escape(chart.x_axis)
    );
    close_svg(svg)
}

/// The SVG fill for a cell holding `n` with `share` of the maximum: grey for 0,
/// then from light to dark blue.
/// One tile of a treemap.
pub(super) struct TreemapTile {
    /// Name drawn in the tile when it fits (raw).
    pub label: String,
    /// Size; the tile's area is proportional to it. Tiles of 0 or less are left out.
    pub value: f64,
    /// Shade in [0, 1], from light to dark.
    pub shade: f64,
    /// Tooltip text (raw).
    pub tooltip: String,
}

/// A treemap: tiles whose areas are proportional to their values (squarified layout).
pub(super) fn treemap(title: &str, tiles: &[TreemapTile]) -> String {
    const HEIGHT: f64 = 320.0;
    let mut tiles: Vec<&TreemapTile> = tiles
        .iter()
        .filter(|t| t.value.is_finite() && t.value > 0.0)
        .collect();
    if tiles.is_empty() {
        return String::new();
    }
    tiles.sort_by(|a, b| b.value.total_cmp(&a.value));
    let values: Vec<f64> = tiles.iter().map(|t| t.value).collect();
    let mut svg = open_svg(title, WIDTH, HEIGHT);
    for (tile, (x, y, w, h)) in tiles
        .iter()
        .zip(squarify(&values, (0.0, 0.0, WIDTH, HEIGHT)))
    {
        let shade = tile.shade.clamp(0.0, 1.0);
        let _ = write!(
            svg,
            r##"<g><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{}" stroke="#fff" stroke-width="2"/>"##,
            escape(&tile.tooltip),
            shade_colour(shade)
        );
        // A label only where it fits: about 7 px a character, one line of 12 px.
        let room = ((w - 10.0) / 7.0).floor();
        if room >= 4.0 && h >= 22.0 {
            let _ = write!(
                svg,
                r#"<text class="{}" x="{:.1}" y="{:.1}">{}</text>"#,
                if shade > 0.5 {
                    "cell-dark"
                } else {
                    "cell-light"
                },
                x + 5.0,
                y + 15.0,
                escape(&truncate(&tile.label, room as usize))
            );
        }
        svg.push_str("</g>");
    }
    close_svg(svg)
}

/// The squarified treemap layout (Bruls, Huizing and van Wijk, 2000): rectangles `(x, y, width,
/// height)` for `values` (largest first) that tile `bounds`, each with an area proportional to
/// its value, laid out in rows whose tiles are kept as close to squares as the order allows.
pub(super) fn squarify(values: &[f64], bounds: (f64, f64, f64, f64)) -> Vec<(f64, f64, f64, f64)> {
    let (mut x, mut y, mut width, mut height) = bounds;
    let total: f64 = values.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return Vec::new();
    }
    let areas: Vec<f64> = values.iter().map(|v| v * width * height / total).collect();
    // The worst aspect ratio of a row of `row` areas laid along a side of length `side`.
    let worst = |row: &[f64], side: f64| {
        let sum: f64 = row.iter().sum();
        let (max, min) = row.iter().fold((0.0f64, f64::INFINITY), |(max, min), &a| {
            (max.max(a), min.min(a))
        });
        (side * side * max / (sum * sum)).max(sum * sum / (side * side * min))
    };
    let mut rects = Vec::with_capacity(areas.len());
    let mut start = 0;
    while start < areas.len() {
        let side = width.min(height);
        let mut end = start + 1;
        while end < areas.len()
            && worst(&areas[start..=end], side) <= worst(&areas[start..end], side)
        {
            end += 1;
        }
        let row = &areas[start..end];
        let sum: f64 = row.iter().sum();
        if width >= height {
            // A column along the left side.
            let column = sum / height;
            let mut top = y;
            for area in row {
                rects.push((x, top, column, area / column));
                top += area / column;
            }
            x += column;
            width -= column;
        } else {
            // A row along the top.
            let band = sum / width;
            let mut left = x;
            for area in row {
                rects.push((left, y, area / band, band));
                left += area / band;
            }
            y += band;
            height -= band;
        }
        start = end;
    }
    rects
}

/// Light blue for 0 to dark blue for 1.
fn shade_colour(shade: f64) -> String {
    let mix = |light: f64, dark: f64| (light + (dark - light) * shade).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(219.0, 30.0),
        mix(234.0, 58.0),
        mix(254.0, 138.0)
    )
}

fn heat_colour(n: u64, share: f64) -> String {
    if n == 0 {
        return "#f1f5f9".to_owned();
    }
    const LIGHT: [f64; 3] = [219.0, 234.0, 254.0];
    const DARK: [f64; 3] = [30.0, 58.0, 138.0];
    let t = share.clamp(0.0, 1.0);
    let channel = |i: usize| (LIGHT[i] + (DARK[i] - LIGHT[i]) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", channel(0), channel(1), channel(2))
}

/// A round top and tick positions (multiples of 1, 2 or 5 × 10ⁿ, at least 1) covering `max`.
fn nice_ticks(max: u64) -> (f64, Vec<f64>) {
    let max = max.max(1) as f64;
    let raw_step = max / 4.0;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw_step)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    let top = (max / step).ceil() * step;
    let ticks = (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|t| *t <= top + step / 2.0)
        .collect();
    (top, ticks)
}

fn open_svg(title: &str, width: f64, height: f64) -> String {
    let title = escape(title);
    format!(
        r#"<figure class="chart"><figcaption>{title}</figcaption><svg viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{title}">"#
    )
}

fn close_svg(mut svg: String) -> String {
    svg.push_str("</svg></figure>");
    svg
}

/// Horizontal grid lines with their labels.
fn y_grid(svg: &mut String, ticks: &[f64], y_of: impl Fn(f64) -> f64, x0: f64, x1: f64) {
    for &tick in ticks {
        let y = y_of(tick);
        let _ = write!(
            svg,
            r#"<line class="gridline" x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            x0 - 6.0,
            y + 4.0,
            count(tick as u64)
        );
    }
}

/// The x and y axis lines and their titles.
fn axes(svg: &mut String, x_axis: &str, y_axis: &str, plot: (f64, f64, f64, f64), height: f64) {
    let (x0, x1, y0, y1) = plot;
    let mid_y = (y0 + y1) / 2.0;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y0:.1}"/><line class="axis" x1="{x0:.1}" y1="{y1:.1}" x2="{x0:.1}" y2="{y0:.1}"/><text class="axis-title" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="axis-title" x="16" y="{mid_y:.1}" text-anchor="middle" transform="rotate(-90 16 {mid_y:.1})">{}</text>"#,
        (x0 + x1) / 2.0,
        height - 8.0,
        escape(x_axis),
        escape(y_axis)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(nice_ticks(0), (1.0, vec![0.0, 1.0]));
        assert_eq!(nice_ticks(3), (3.0, vec![0.0, 1.0, 2.0, 3.0]));
        assert_eq!(nice_ticks(17), (20.0, vec![0.0, 5.0, 10.0, 15.0, 20.0]));
        assert_eq!(
            nice_ticks(1_234),
            (1_500.0, vec![0.0, 500.0, 1_000.0, 1_500.0])
        );
    }

    #[test]
    fn squarified_tiles_cover_the_bounds_with_areas_in_proportion() {
        let values = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let rects = squarify(&values, (0.0, 0.0, 600.0, 400.0));
        assert_eq!(rects.len(), values.len());
        let total: f64 = values.iter().sum();
        for (value, (x, y, w, h)) in values.iter().zip(&rects) {
            assert!((w * h - value / total * 240_000.0).abs() < 1e-6, "{value}");
            assert!(*x >= -1e-9 && *y >= -1e-9 && x + w <= 600.0 + 1e-9 && y + h <= 400.0 + 1e-9);
        }
        // The paper's example (on a 6 x 4 rectangle): the first two tiles form a column of
        // 3 x 2 tiles, better than one 1.5 x 4 tile alone and than a third in the column.
        assert_eq!(rects[0], (0.0, 0.0, 300.0, 200.0));
        assert_eq!(rects[1], (0.0, 200.0, 300.0, 200.0));
        assert!(squarify(&[], (0.0, 0.0, 1.0, 1.0)).is_empty());
        assert!(squarify(&[0.0], (0.0, 0.0, 1.0, 1.0)).is_empty());
        let tiles = [
            TreemapTile {
                label: "<t>".to_owned(),
                value: 3.0,
                shade: 1.0,
                tooltip: "<tip>".to_owned(),
            },
            TreemapTile {
                label: "gone".to_owned(),
                value: 0.0,
                shade: 0.0,
                tooltip: String::new(),
            },
        ];
        let svg = treemap("map", &tiles);
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains("&lt;t&gt;") && svg.contains("<title>&lt;tip&gt;</title>"));
        assert!(!svg.contains("<t>") && !svg.contains("gone"));
        assert_eq!(shade_colour(0.0), "#dbeafe");
        assert_eq!(shade_colour(1.0), "#1e3a8a");
    }

    #[test]
    fn heat_colours_run_from_light_to_dark() {
        assert_eq!(heat_colour(0, 0.0), "#f1f5f9");
        assert_eq!(heat_colour(1, 0.0), "#dbeafe");
        assert_eq!(heat_colour(9, 1.0), "#1e3a8a");
    }

    #[test]
    fn charts_escape_labels_and_tooltips() {
        let bars = [Bar {
            label: "<b>&".to_owned(),
            count: 2,
        }];
        for svg in [
            bar_chart("t<", "x", "calls", &bars),
            column_chart("t<", "x", "y", "calls", &bars),
        ] {
            assert!(svg.contains("&lt;b&gt;&amp;"), "{svg}");
            assert!(!svg.contains("<b>"), "{svg}");
            assert!(svg.contains(r#"aria-label="t&lt;""#), "{svg}");
        }
        let points = [LinePoint {
            x: 0.0,
            count: 1,
            tooltip: "<i>".to_owned(),
        }];
        let line = line_chart(&LineChart {
            title: "t",
            x_axis: "x",
            y_axis: "y",
            points: &points,
            x_ticks: &[(0.0, "<d>".to_owned())],
        });
        assert!(
            line.contains("&lt;i&gt;") && line.contains("&lt;d&gt;"),
            "{line}"
        );
        assert!(!line.contains("<i>") && !line.contains("<d>"));
        let rows = [TimelineRow {
            label: "<q>".to_owned(),
            spans: vec![TimelineSpan {
                start: 1.0,
                end: 3.0,
                tooltip: "<s>".to_owned(),
            }],
        }];
        let chart = timeline(&Timeline {
            title: "t",
            x_axis: "x",
            x_max: 4.0,
            x_ticks: &[(2.0, "<e>".to_owned())],
            rows: &rows,
        });
        for raw in ["<q>", "<s>", "<e>"] {
            assert!(!chart.contains(raw), "{chart}");
        }
        assert!(chart.contains("&lt;q&gt;") && chart.contains("<title>&lt;s&gt;</title>"));
        // The span runs from a quarter to three quarters of the plot.
        let plot = (WIDTH - 16.0) - 220.0;
        let x = 220.0 + plot / 4.0;
        assert!(chart.contains(&format!(r#"x="{x:.1}""#)), "{chart}");
        assert!(
            chart.contains(&format!(r#"width="{:.1}""#, plot / 2.0)),
            "{chart}"
        );
    }
}
