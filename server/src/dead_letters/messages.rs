//! Texts of the dead-letters page: (key, English, French).

/// Every text of this context.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.dead_letters", "Dead letters", "Lettres mortes"),
    ("dead_letters.title", "Dead letters", "Lettres mortes"),
    (
        "dead_letters.intro",
        "Event messages a consumer could not read (not an event, unknown version, payload not matching its type). Each is retried a few times, then parked and skipped.",
        "Messages d’événements qu’un consommateur n’a pas pu lire (pas un événement, version inconnue, contenu non conforme à son type). Chacun est réessayé quelques fois, puis mis de côté et ignoré.",
    ),
    ("dead_letters.none", "No dead letters.", "Aucune lettre morte."),
    ("dead_letters.col.consumer", "Consumer", "Consommateur"),
    ("dead_letters.col.topic", "Topic", "Sujet"),
    ("dead_letters.col.key", "Key", "Clé"),
    ("dead_letters.col.error", "Error", "Erreur"),
    ("dead_letters.col.attempts", "Attempts", "Tentatives"),
    ("dead_letters.col.first_seen", "First seen", "Vue la première fois"),
    ("dead_letters.col.last_seen", "Last seen", "Vue la dernière fois"),
    ("dead_letters.col.status", "Status", "Statut"),
    ("dead_letters.status.parked", "Parked", "Mise de côté"),
    ("dead_letters.status.retrying", "Retrying", "En cours de réessai"),
    ("dead_letters.message", "Message", "Message"),
];
