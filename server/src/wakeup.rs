//! Wake-ups of one application's live streams (server-sent events). A stream also re-reads a
//! change marker in the database on a timer, which is how changes made on other replicas reach
//! it; a wake-up only makes a change committed by this application visible at once. Each
//! [`crate::AppState`] owns its own, so two applications in one process (tests) never wake each
//! other's streams.

use tokio::sync::broadcast;

/// One kind of wake-up: every stream subscribed before [`Wakeup::notify`] is woken.
#[derive(Clone, Debug)]
pub struct Wakeup(broadcast::Sender<()>);

impl Wakeup {
    /// A wake-up whose slow subscribers miss at most `capacity` notifications before they are
    /// told they lagged (one refresh serves them all).
    pub fn new(capacity: usize) -> Self {
        Self(broadcast::channel(capacity).0)
    }

    /// Wakes the streams subscribed now.
    pub fn notify(&self) {
        // No subscriber (no open stream) is not an error.
        let _ = self.0.send(());
    }

    /// A receiver for one stream; it sees `Closed` once the application is gone.
    pub fn subscribe(&self) -> broadcast::Receiver<()> {
        self.0.subscribe()
    }
}

/// The wake-ups of one application, one per family of live streams.
#[derive(Clone, Debug)]
pub struct Wakeups {
    /// Proctors' panels (the session list and one session's detail): monitoring data changed.
    pub panels: Wakeup,
    /// Notification bells: a user's notifications changed.
    pub bell: Wakeup,
}

impl Default for Wakeups {
    fn default() -> Self {
        Self { panels: Wakeup::new(16), bell: Wakeup::new(64) }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::broadcast::error::TryRecvError;

    use super::*;

    #[test]
    fn a_notification_reaches_the_subscribers_of_that_wakeup_only() {
        let (one, other) = (Wakeups::default(), Wakeups::default());
        let mut panel = one.panels.subscribe();
        let mut bell = one.bell.subscribe();
        let mut elsewhere = other.panels.subscribe();
        one.panels.notify();
        assert_eq!(panel.try_recv(), Ok(()));
        assert_eq!(bell.try_recv(), Err(TryRecvError::Empty), "the bell is another wake-up");
        assert_eq!(elsewhere.try_recv(), Err(TryRecvError::Empty), "another application is not woken");
        let mut clone = one.clone().panels.subscribe();
        one.panels.notify();
        assert_eq!(clone.try_recv(), Ok(()), "clones share the channel");
    }
}
