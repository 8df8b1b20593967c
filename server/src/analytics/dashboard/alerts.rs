//! Dashboard alerts: what an admin should look at now, decided from the figures and the health
//! checks (pure, so every threshold is tested).

use crate::analytics::platform::Dashboard;
use crate::ops::components::{Component, RELAY_LAG_MS, Status};

/// More anomalies than this today is a spike.
pub const SPIKE: i64 = 100;

/// How urgent an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Act now.
    Critical,
    /// Something is broken.
    Error,
    /// Worth a look.
    Warning,
}

impl Level {
    /// CSS class and stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Critical => "critical",
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One alert: a message key and its placeholder values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// Urgency.
    pub level: Level,
    /// i18n key of the message.
    pub key: &'static str,
    /// Placeholder values.
    pub args: Vec<(&'static str, String)>,
}

/// The alerts for these figures and health checks, most urgent first.
pub fn alerts(d: &Dashboard, health: &[Component]) -> Vec<Alert> {
    let mut out = Vec::new();
    let critical = d.critical_today();
    if critical > 0 {
        out.push(Alert {
            level: Level::Critical,
            key: "analytics.alert.critical",
            args: vec![("n", critical.to_string())],
        });
    }
    for c in health.iter().filter(|c| c.status == Status::Down) {
        out.push(Alert {
            level: Level::Error,
            key: "analytics.alert.down",
            args: vec![("component", c.name.to_owned()), ("detail", c.detail.clone())],
        });
    }
    let today = d.anomalies_today_total();
    if today > SPIKE {
        out.push(Alert { level: Level::Warning, key: "analytics.alert.spike", args: vec![("n", today.to_string())] });
    }
    if d.relay.oldest_pending_ms > RELAY_LAG_MS {
        out.push(Alert {
            level: Level::Warning,
            key: "analytics.alert.relay_lag",
            args: vec![
                ("pending", d.relay.pending.to_string()),
                ("seconds", (d.relay.oldest_pending_ms / 1000).to_string()),
            ],
        });
    }
    for c in health.iter().filter(|c| c.status == Status::Degraded) {
        out.push(Alert {
            level: Level::Warning,
            key: "analytics.alert.degraded",
            args: vec![("component", c.name.to_owned()), ("detail", c.detail.clone())],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::relay::Lag;

    fn quiet() -> Dashboard {
        Dashboard {
            by_role: vec![],
            published_exams: 0,
            submissions_total: 0,
            submissions_today: 0,
            started_today: 0,
            exams_today: 0,
            sessions: Default::default(),
            anomalies_today: vec![],
            anomaly_types_today: vec![],
            anomalies_per_hour: [0; 24],
            anomalies_per_attempt: 0.0,
            recent: vec![],
            recent_anomalies: vec![],
            top: vec![],
            per_day: vec![],
            distribution: [0; 5],
            monitoring: false,
            relay: Lag { pending: 0, oldest_pending_ms: 0 },
        }
    }

    fn component(name: &'static str, status: Status) -> Component {
        Component { name, status, detail: "why".into(), latency_ms: 1 }
    }

    #[test]
    fn quiet_platform_has_no_alert() {
        assert!(alerts(&quiet(), &[component("database", Status::Up), component("smtp", Status::Off)]).is_empty());
    }

    #[test]
    fn each_threshold_raises_its_alert() {
        let mut d = quiet();
        d.anomalies_today = vec![("low".into(), SPIKE - 1), ("critical".into(), 2)];
        d.relay = Lag { pending: 4, oldest_pending_ms: RELAY_LAG_MS + 1_000 };
        let got = alerts(&d, &[component("smtp", Status::Down), component("database", Status::Degraded)]);
        let keys: Vec<(Level, &str)> = got.iter().map(|a| (a.level, a.key)).collect();
        assert_eq!(
            keys,
            [
                (Level::Critical, "analytics.alert.critical"),
                (Level::Error, "analytics.alert.down"),
                (Level::Warning, "analytics.alert.spike"),
                (Level::Warning, "analytics.alert.relay_lag"),
                (Level::Warning, "analytics.alert.degraded"),
            ]
        );
        assert_eq!(got[0].args, [("n", "2".to_owned())]);
        assert_eq!(got[2].args, [("n", "101".to_owned())]);
        assert_eq!(got[3].args, [("pending", "4".to_owned()), ("seconds", "61".to_owned())]);
    }

    #[test]
    fn exactly_the_thresholds_raise_nothing() {
        let mut d = quiet();
        d.anomalies_today = vec![("low".into(), SPIKE)];
        d.relay = Lag { pending: 1, oldest_pending_ms: RELAY_LAG_MS };
        assert!(alerts(&d, &[]).is_empty());
    }
}
