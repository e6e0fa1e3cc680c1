//! The page's charts, as inline SVG: findings by severity, and controls by
//! framework and outcome. Every bar has its number written beside it, so
//! colour is never the only signal.

use assure_engine::decision::{Decision, Finding, Outcome};

use super::page::Page;
use crate::view::{OUTCOMES, SEVERITIES, controls_by_framework, outcome_counts};

/// Findings by severity, and controls by framework and outcome, as inline SVG.
pub fn charts(page: &mut Page, decision: &Decision) {
    page.raw("<section id=\"charts\">\n<h2>At a glance</h2>\n");
    // Findings by severity: a blocking and an advisory bar for each.
    let count = |list: &[Finding], s| list.iter().filter(|f| f.severity == s).count();
    let rows: Vec<(String, usize, usize)> = SEVERITIES
        .iter()
        .map(|s| {
            (
                s.to_string(),
                count(&decision.findings, *s),
                count(&decision.advisories, *s),
            )
        })
        .collect();
    let max = rows
        .iter()
        .map(|(_, b, a)| (*b).max(*a))
        .max()
        .unwrap_or(0)
        .max(1);
    let height = 20 + rows.len() * 44;
    let description = rows
        .iter()
        .map(|(s, b, a)| format!("{s}: {b} blocking, {a} advisory"))
        .collect::<Vec<_>>()
        .join("; ");
    page.raw(
        "<figure>\n<figcaption id=\"chart-severity-caption\">Findings by severity</figcaption>\n",
    );
    svg_open(
        page,
        "chart-severity",
        height,
        "Findings by severity",
        &description,
    );
    for (i, (severity, blocking, advisory)) in rows.iter().enumerate() {
        let y = 10 + i * 44;
        page.el(
            "text",
            &[("x", "0"), ("y", &(y + 24).to_string())],
            severity,
        );
        for (j, (n, label, fill)) in [
            (*blocking, "blocking", "#a4262c"),
            (*advisory, "advisory", "#3f4aa8"),
        ]
        .into_iter()
        .enumerate()
        {
            let bar_y = y + j * 20;
            let width = if n == 0 { 0 } else { (n * 420 / max).max(2) };
            page.open(
                "rect",
                &[
                    ("x", "110"),
                    ("y", &bar_y.to_string()),
                    ("width", &width.to_string()),
                    ("height", "16"),
                    ("fill", fill),
                ],
            );
            page.el("title", &[], &format!("{severity}, {label}: {n}"));
            page.raw("</rect>");
            page.el(
                "text",
                &[
                    ("x", &(116 + width).to_string()),
                    ("y", &(bar_y + 13).to_string()),
                ],
                &format!("{n} {label}"),
            );
        }
    }
    page.raw("</svg>\n</figure>\n");

    // Controls by framework: one bar per framework, split by outcome.
    let groups = controls_by_framework(decision);
    let height = 40 + groups.len() * 26;
    let description = groups
        .iter()
        .map(|(framework, list)| {
            format!(
                "{framework}: {}",
                counts_text(&outcome_counts(list.iter().map(|c| &c.outcome)))
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    page.raw(
        "<figure>\n<figcaption>Controls by framework: passed, failed and undecided</figcaption>\n",
    );
    svg_open(
        page,
        "chart-controls",
        height,
        "Controls by framework and outcome",
        &description,
    );
    // The legend, in words as well as colours.
    let waived = decision
        .controls
        .iter()
        .any(|c| c.outcome == Outcome::Waived);
    let legend: Vec<&Outcome> = OUTCOMES
        .iter()
        .filter(|o| waived || **o != Outcome::Waived)
        .collect();
    for (i, outcome) in legend.into_iter().enumerate() {
        let x = i * 130;
        page.open(
            "rect",
            &[
                ("x", &x.to_string()),
                ("y", "4"),
                ("width", "12"),
                ("height", "12"),
                ("fill", outcome_fill(*outcome)),
            ],
        );
        page.raw("</rect>");
        page.el(
            "text",
            &[("x", &(x + 16).to_string()), ("y", "14")],
            outcome.as_str(),
        );
    }
    for (i, (framework, list)) in groups.iter().enumerate() {
        let y = 30 + i * 26;
        let counts = outcome_counts(list.iter().map(|c| &c.outcome));
        let total: usize = counts.iter().sum();
        page.el(
            "text",
            &[("x", "0"), ("y", &(y + 14).to_string())],
            framework,
        );
        let mut x = 170;
        for (outcome, n) in OUTCOMES.iter().zip(counts) {
            if n == 0 || total == 0 {
                continue;
            }
            let width = (n * 300 / total).max(3);
            page.open(
                "rect",
                &[
                    ("x", &x.to_string()),
                    ("y", &y.to_string()),
                    ("width", &width.to_string()),
                    ("height", "18"),
                    ("fill", outcome_fill(*outcome)),
                ],
            );
            page.el("title", &[], &format!("{framework}: {n} {outcome}"));
            page.raw("</rect>");
            x += width;
        }
        page.el(
            "text",
            &[("x", "480"), ("y", &(y + 14).to_string())],
            &counts_text(&counts),
        );
    }
    page.raw("</svg>\n</figure>\n</section>\n");
}

/// Starts an accessible inline SVG chart.
fn svg_open(page: &mut Page, id: &str, height: usize, title: &str, description: &str) {
    let labelled = format!("{id}-title {id}-desc");
    page.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("id", id),
            ("role", "img"),
            ("aria-labelledby", &labelled),
            ("width", "760"),
            ("height", &height.to_string()),
            ("viewBox", &format!("0 0 760 {height}")),
        ],
    );
    page.el("title", &[("id", &format!("{id}-title"))], title);
    page.el("desc", &[("id", &format!("{id}-desc"))], description);
}

/// Counts by outcome in words: `30 passed, 2 failed`.
fn counts_text(counts: &[usize; 6]) -> String {
    OUTCOMES
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(o, n)| format!("{n} {o}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An outcome's colour in the charts.
pub fn outcome_fill(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Failed => "#a4262c",
        Outcome::Waived => "#6b3fa0",
        Outcome::Undecided => "#d08a00",
        Outcome::Advised => "#3f4aa8",
        Outcome::Passed => "#1d6b34",
        Outcome::NotApplicable => "#9aa0a6",
    }
}
