//! The outside services some tests need (a Kafka-protocol broker, an SMTP sink). deploy/test.sh
//! starts them, exports their addresses and sets `PROCTORWISE_TEST_REQUIRE_SERVICES=1`: there a
//! missing address fails the test. Elsewhere (a plain `cargo test`) such a test is skipped and
//! says so on the terminal, outside the captured output, so a green run never hides it.

use std::io::Write;

/// Set to `1` by deploy/test.sh: every service must be there.
const REQUIRE: &str = "PROCTORWISE_TEST_REQUIRE_SERVICES";

/// The value of each variable in `vars` (addresses of `service`), or `None` when one is unset and
/// services are optional: the calling test then returns, and a `SKIPPED:` line names it.
///
/// # Panics
/// When a variable is unset under deploy/test.sh.
#[track_caller]
pub fn required<const N: usize>(service: &str, vars: [&str; N]) -> Option<[String; N]> {
    let values = vars.map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()));
    let missing: Vec<&str> = vars.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|(var, _)| *var).collect();
    if missing.is_empty() {
        return Some(values.map(Option::unwrap_or_default));
    }
    let missing = missing.join(", ");
    if std::env::var(REQUIRE).is_ok_and(|v| v.trim() == "1") {
        panic!("{service} is required ({REQUIRE}=1), and unset: {missing} (deploy/test.sh starts it and sets them)");
    }
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    // Straight to the terminal: libtest shows a passing test's own output only with --nocapture.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {test}: {missing} unset, {service} not exercised (deploy/test.sh starts it)"
    );
    None
}
