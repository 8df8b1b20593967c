//! Monitoring domain values and their stored forms.

macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stored form.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored form.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

stored_enum!(
    /// Type of an anomaly.
    Kind {
        /// No face for at least the configured time.
        FaceAbsent => "face_absent",
        /// More than one face.
        MultipleFaces => "multiple_faces",
        /// Phone, book or laptop in view.
        ForbiddenObject => "forbidden_object",
        /// The exam tab was hidden.
        TabChange => "tab_change",
        /// Camera refused or stopped.
        WebcamDisabled => "webcam_disabled",
        /// No frame for several intervals.
        ConnectionLost => "connection_lost",
        /// Several critical anomalies within a minute.
        HighRiskAlert => "high_risk_alert",
        /// The session withheld pictures the server asked for, or sent pictures that contradict
        /// its own verdicts: its monitoring cannot be trusted.
        MonitoringIncomplete => "monitoring_incomplete",
    }
);

stored_enum!(
    /// How serious an anomaly is.
    Severity {
        /// Low.
        Low => "low",
        /// Medium.
        Medium => "medium",
        /// High.
        High => "high",
        /// Critical.
        Critical => "critical",
    }
);

stored_enum!(
    /// How an anomaly was found.
    Method {
        /// A server rule on browser events or timing.
        Rule => "rule",
        /// The browser's detector, not (yet) confirmed by the server.
        Client => "client",
        /// Seen or confirmed by the server's full models.
        ServerVerified => "server_verified",
    }
);

stored_enum!(
    /// Where the server's check of an anomaly stands.
    Verification {
        /// Nothing to verify (rules).
        NotNeeded => "not_needed",
        /// Waiting for the server's analysis.
        Pending => "pending",
        /// The server's models agree.
        Confirmed => "confirmed",
        /// The server's models disagree: dismissed by verification, kept for audit.
        Rejected => "rejected",
        /// No frame was kept to verify.
        Unavailable => "unavailable",
    }
);

stored_enum!(
    /// The proctor's decision on an anomaly.
    Review {
        /// Not decided yet.
        Pending => "pending",
        /// Confirmed by a proctor.
        Confirmed => "confirmed",
        /// Dismissed (by a proctor, or by verification).
        Dismissed => "dismissed",
    }
);

stored_enum!(
    /// Why a monitoring session ended.
    StopReason {
        /// The student submitted.
        Submitted => "submitted",
        /// The deadline passed.
        Deadline => "deadline",
        /// A proctor stopped it (with a note the student sees).
        Proctor => "proctor",
        /// The browser vanished (no frame for too long).
        Abandoned => "abandoned",
        /// The camera was refused before the start (the session only holds that anomaly).
        WebcamRefused => "webcam_refused",
    }
);

impl Severity {
    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Severity::Low => "monitor.sev.low",
            Severity::Medium => "monitor.sev.medium",
            Severity::High => "monitor.sev.high",
            Severity::Critical => "monitor.sev.critical",
        }
    }
}

impl Kind {
    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Kind::FaceAbsent => "monitor.kind.face_absent",
            Kind::MultipleFaces => "monitor.kind.multiple_faces",
            Kind::ForbiddenObject => "monitor.kind.forbidden_object",
            Kind::TabChange => "monitor.kind.tab_change",
            Kind::WebcamDisabled => "monitor.kind.webcam_disabled",
            Kind::ConnectionLost => "monitor.kind.connection_lost",
            Kind::HighRiskAlert => "monitor.kind.high_risk_alert",
            Kind::MonitoringIncomplete => "monitor.kind.monitoring_incomplete",
        }
    }
}

impl Kind {
    /// Kinds seen on a picture: only the server's own analysis may open them.
    pub fn is_visual(self) -> bool {
        matches!(self, Kind::FaceAbsent | Kind::MultipleFaces | Kind::ForbiddenObject)
    }
}

impl Method {
    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Method::Rule => "monitor.method.rule",
            Method::Client => "monitor.method.client",
            Method::ServerVerified => "monitor.method.server_verified",
        }
    }
}

impl StopReason {
    /// i18n key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            StopReason::Submitted => "monitor.stop.submitted",
            StopReason::Deadline => "monitor.stop.deadline",
            StopReason::Proctor => "monitor.stop.proctor",
            StopReason::Abandoned => "monitor.stop.abandoned",
            StopReason::WebcamRefused => "monitor.stop.webcam_refused",
        }
    }
}

/// Weights of the risk score (`PROCTORWISE_RISK_WEIGHT_*`), per severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskWeights {
    /// Low.
    pub low: i64,
    /// Medium.
    pub medium: i64,
    /// High.
    pub high: i64,
    /// Critical.
    pub critical: i64,
}

impl Default for RiskWeights {
    fn default() -> Self {
        Self { low: 2, medium: 5, high: 15, critical: 30 }
    }
}

impl RiskWeights {
    /// Risk score (0..=100) of a session from its counts of anomalies not dismissed, per severity.
    pub fn score(&self, low: i64, medium: i64, high: i64, critical: i64) -> i64 {
        (low * self.low + medium * self.medium + high * self.high + critical * self.critical).clamp(0, 100)
    }
}

/// Risk level shown beside the score.
pub fn risk_level(score: i64) -> &'static str {
    match score {
        s if s >= 60 => "high",
        s if s >= 25 => "medium",
        _ => "low",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.as_str()), Some(*s));
        }
        assert_eq!(StopReason::parse("proctor"), Some(StopReason::Proctor));
        assert_eq!(Method::parse("nope"), None);
    }

    #[test]
    fn risk_is_weighted_and_capped() {
        let w = RiskWeights::default();
        assert_eq!(w.score(0, 0, 0, 0), 0);
        assert_eq!(w.score(1, 1, 1, 0), 22);
        assert_eq!(w.score(0, 0, 0, 5), 100);
        assert_eq!(risk_level(22), "low");
        assert_eq!(risk_level(30), "medium");
        assert_eq!(risk_level(90), "high");
    }
}
