//! `--format html`: one self-contained page per report, opened in a real
//! browser. Headless Chromium renders each page to PNG; the test asserts the
//! page shows something (its pixels, counted by Chromium itself), logs no
//! console message, makes no network request (Chromium's net log), and says
//! the total and verdict in its text. Outside CI a missing Chromium skips
//! with a message; in CI it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::simulation::PATHS;
use crate::support::{infraplan_ok, scratch_dir, snapshot_settings};
use crate::terraform::tool;

fn chromium() -> Option<PathBuf> {
    tool(
        "chromium",
        "CHROMIUM",
        &[PathBuf::from("/usr/bin/chromium")],
    )
}

/// What a page did in Chromium.
struct Rendered {
    /// The page's text after load.
    text: String,
    /// Console messages the page logged.
    console: Vec<String>,
    /// Requests the page made (Chromium's own background requests aside).
    requests: Vec<String>,
    /// The screenshot.
    png: PathBuf,
}

/// Runs headless Chromium on `page` with `extra` arguments and a fresh
/// profile; returns its standard output and error.
fn chromium_run(chromium: &Path, dir: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let _ = std::fs::remove_dir_all(&profile);
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed on {}: {}",
        page.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Renders `page` to a PNG beside it, with console logging and a net log,
/// then loads it again for its text.
fn render(chromium: &Path, page: &Path) -> Rendered {
    let dir = page.parent().expect("the page is in a folder");
    let png = page.with_extension("png");
    let net_log = page.with_extension("netlog.json");
    let (_, stderr) = chromium_run(
        chromium,
        dir,
        page,
        &[
            "--window-size=1280,2000",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--log-net-log={}", net_log.display()),
            &format!("--screenshot={}", png.display()),
        ],
    );
    let console = stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    let (dom, _) = chromium_run(chromium, dir, page, &["--dump-dom"]);
    Rendered {
        text: visible_text(&dom),
        console,
        requests: page_requests(&net_log),
        png,
    }
}

/// The text of a DOM: tags dropped, the entities the pages use decoded.
fn visible_text(dom: &str) -> String {
    let body = dom.split("<body>").nth(1).unwrap_or(dom);
    let mut text = String::new();
    let mut in_tag = false;
    for character in body.chars() {
        match character {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(character),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The requests a page (a `file://` document) started, from Chromium's net
/// log: Chromium's own requests (time, spelling dictionaries) have another
/// network isolation key.
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("chromium wrote its net log");
    // Chromium may stop before closing the log's list.
    let log: Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .expect("the net log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .expect("the net log lists events")
        .iter()
        .filter(|event| event["type"] == start_job)
        .filter(|event| {
            event["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|key| key.starts_with("file://"))
        })
        .map(|event| event["params"]["url"].to_string())
        .collect()
}

/// How many distinct colours the screenshot has and what share of its
/// pixels differ from its top-left one, counted by Chromium from the PNG
/// inlined as a data address (so the canvas may read it).
fn pixels(chromium: &Path, png: &Path) -> (u64, f64) {
    let bytes = std::fs::read(png).expect("chromium wrote the screenshot");
    let counter = png.with_extension("count.html");
    std::fs::write(
        &counter,
        format!(
            r#"<!DOCTYPE html><html><body><img id="shot" src="data:image/png;base64,{}"><pre id="out">waiting</pre>
<script>
const image = document.getElementById("shot");
function count() {{
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set(); let differing = 0;
  for (let i = 0; i < data.length; i += 4) {{
    const colour = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    colours.add(colour);
    if (colour !== ((data[0] << 16) | (data[1] << 8) | data[2])) differing++;
  }}
  document.getElementById("out").textContent = "result " + colours.size + " " + differing / (data.length / 4);
}}
if (image.complete) count(); else image.onload = count;
</script></body></html>"#,
            base64(&bytes)
        ),
    )
    .expect("the counting page is written");
    let dir = png.parent().expect("the screenshot is in a folder");
    let (dom, _) = chromium_run(
        chromium,
        dir,
        &counter,
        &["--dump-dom", "--virtual-time-budget=10000"],
    );
    let result = dom
        .split("result ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the pixels were not counted: {dom:.300}"));
    let mut parts = result.split_whitespace();
    let colours = parts.next().and_then(|n| n.parse().ok()).expect("a count");
    let share = parts.next().and_then(|n| n.parse().ok()).expect("a share");
    (colours, share)
}

/// Standard base64, padded.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0_u32, |word, (index, byte)| {
            word | u32::from(*byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= chunk.len() {
                out.push(char::from(
                    ALPHABET[(word >> (18 - 6 * index)) as usize & 63],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_the_standard() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

/// Each report as HTML, with what its page must say: the total (as the
/// JSON of the same command gives it) and the verdict.
#[test]
fn every_report_renders_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = scratch_dir("html-reports");
    let reports: [(&str, Vec<&str>, &str); 8] = [
        (
            "plan-stage1",
            vec![
                "plan",
                "--customers",
                "30",
                "--mrr",
                "3000",
                "--sensitivity",
            ],
            "/total",
        ),
        (
            "plan-stage3",
            vec![
                "plan",
                "--customers",
                "800",
                "--mrr",
                "120000",
                "--sensitivity",
            ],
            "/total",
        ),
        (
            "compare",
            vec![
                "compare",
                "--scenario",
                "name=today,customers=120,mrr=18000",
                "--scenario",
                "name=heroku,customers=120,mrr=18000,paas=heroku",
                "--scenario",
                "name=next year,customers=600,mrr=90000",
            ],
            "/scenarios/0/monthly_total",
        ),
        (
            "roadmap",
            vec![
                "roadmap",
                "--customers",
                "20",
                "--mrr",
                "2000",
                "--growth",
                "25",
                "--months",
                "24",
            ],
            "/total",
        ),
        (
            "simulation",
            [&PATHS[..13], &["--paths", "2000"][..]].concat(),
            "/total_spend/p50",
        ),
        (
            "audit",
            vec!["audit", "docs/examples/audit-stage1.json"],
            "/cost/today",
        ),
        (
            "checklist",
            vec!["checklist", "--customers", "800", "--mrr", "120000"],
            "/arr",
        ),
        (
            "diff",
            vec![
                "diff",
                "--from",
                "customers=150,mrr=15000",
                "--to",
                "customers=250,mrr=25000",
            ],
            "/to/monthly_total",
        ),
    ];
    for (name, args, total_at) in reports {
        let page = dir.join(format!("{name}.html"));
        let page_text = page.display().to_string();
        let mut html_args = args.clone();
        html_args.extend(["--format", "html", "--out", &page_text]);
        assert_eq!(
            infraplan_ok(&html_args),
            "",
            "{name}: --out leaves stdout empty"
        );
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"]);
        let json: Value = serde_json::from_str(&infraplan_ok(&json_args)).expect("JSON");
        let total = json
            .pointer(total_at)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{name}: no total at {total_at}"));
        let shown_total = money_text(total);

        let rendered = render(&chromium, &page);
        assert!(
            rendered.console.is_empty(),
            "{name}: console: {:?}",
            rendered.console
        );
        assert!(
            rendered.requests.is_empty(),
            "{name}: requests: {:?}",
            rendered.requests
        );
        assert!(
            rendered.text.contains(&shown_total),
            "{name}: the page does not show the total {shown_total}"
        );
        // The checklist judges no budget: it says what is delivered.
        let verdicts: &[&str] = if name == "checklist" {
            &["delivered by this stage's Terraform"]
        } else {
            &["Within guidance:", "Above guidance:", "Over the ceiling:"]
        };
        assert!(
            verdicts
                .iter()
                .any(|verdict| rendered.text.contains(verdict)),
            "{name}: the page says no verdict"
        );
        let (colours, drawn) = pixels(&chromium, &rendered.png);
        assert!(
            colours > 32 && drawn > 0.02,
            "{name}: the screenshot looks blank ({colours} colours, {drawn} of it drawn)"
        );
    }
}

/// `1234.5` as a report shows money: `$1,234.50`.
fn money_text(amount: &str) -> String {
    let (whole, cents) = amount.split_once('.').unwrap_or((amount, "00"));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("${grouped}.{cents:0<2}")
}

/// The page's bytes are part of the spec, like every other output.
#[test]
fn the_plan_page_is_stable() {
    let page = infraplan_ok(&[
        "plan",
        "--customers",
        "30",
        "--mrr",
        "3000",
        "--format",
        "html",
    ]);
    snapshot_settings().bind(|| insta::assert_snapshot!("plan__stage1__html", page));
}
