//! Interface texts of the bookings context: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.my_bookings", "My bookings", "Mes réservations"),
    // Refusals (BookingRefusal::message_key and the cancellation rules)
    (
        "booking.error.unavailable",
        "This slot cannot be booked: it was removed, or its exam is not open for booking.",
        "Ce créneau ne peut pas être réservé : il a été supprimé, ou son examen n'est pas ouvert à la réservation.",
    ),
    (
        "booking.error.too_late",
        "This slot has already started. Choose a later slot.",
        "Ce créneau a déjà commencé. Choisissez un créneau plus tard.",
    ),
    (
        "booking.error.full",
        "This slot is full. Choose another slot.",
        "Ce créneau est complet. Choisissez un autre créneau.",
    ),
    (
        "booking.error.already_booked",
        "You already have a booking for this exam. Cancel it first to choose another slot.",
        "Vous avez déjà une réservation pour cet examen. Annulez-la d'abord pour choisir un autre créneau.",
    ),
    (
        "booking.error.overlap",
        "You already have another exam booked at that time.",
        "Vous avez déjà un autre examen réservé sur cet horaire.",
    ),
    ("booking.error.slot_id", "Choose a slot to book.", "Choisissez un créneau à réserver."),
    (
        "booking.error.cancel_started",
        "This exam has already started: the booking can no longer be cancelled.",
        "Cet examen a déjà commencé : la réservation ne peut plus être annulée.",
    ),
    ("booking.error.already_cancelled", "This booking is already cancelled.", "Cette réservation est déjà annulée."),
    // Notices
    (
        "booking.notice.booked",
        "Your seat is booked. It is listed in My bookings.",
        "Votre place est réservée. Elle figure dans Mes réservations.",
    ),
    (
        "booking.notice.cancelled",
        "Booking cancelled: your seat is free for someone else.",
        "Réservation annulée : votre place est libérée.",
    ),
    // My bookings
    ("booking.my_title", "My bookings", "Mes réservations"),
    (
        "booking.none",
        "You have no booking yet. Choose a slot in the catalogue.",
        "Vous n'avez encore aucune réservation. Choisissez un créneau dans le catalogue.",
    ),
    ("booking.none_current", "No upcoming exam booked.", "Aucun examen à venir n'est réservé."),
    ("booking.all_link", "All my bookings, past and cancelled", "Toutes mes réservations, passées et annulées"),
    ("booking.catalogue_link", "Book an exam", "Réserver un examen"),
    ("booking.col.when", "When", "Quand"),
    ("booking.col.actions", "Actions", "Actions"),
    ("booking.status.scheduled", "Scheduled", "Planifié"),
    ("booking.status.open", "Open now", "Ouvert maintenant"),
    ("booking.status.in_progress", "In progress", "En cours"),
    ("booking.status.completed", "Completed", "Terminé"),
    ("booking.status.cancelled", "Cancelled", "Annulé"),
    ("booking.status.missed", "Missed", "Manqué"),
    ("booking.reason.by_student", "by you", "par vous"),
    ("booking.reason.slot_removed", "slot removed by the teacher", "créneau supprimé par l'enseignant"),
    ("booking.reason.by_admin", "by the administration", "par l'administration"),
    ("booking.reason.exam_withdrawn", "exam withdrawn", "examen retiré"),
    ("booking.cancel", "Cancel", "Annuler"),
    (
        "booking.confirm_cancel",
        "Cancel this booking? Your seat will be given to someone else.",
        "Annuler cette réservation ? Votre place sera libérée pour quelqu'un d'autre.",
    ),
    ("booking.take", "Take the exam", "Passer l'examen"),
    ("booking.continue", "Continue the exam", "Reprendre l'examen"),
    ("booking.starts_in", "starts in {time}", "commence dans {time}"),
    ("booking.unit.days", "{n} d", "{n} j"),
    ("booking.unit.hours", "{n} h", "{n} h"),
    ("booking.unit.minutes", "{n} min", "{n} min"),
    ("booking.unit.now", "now", "maintenant"),
    // Catalogue
    ("booking.slots_of", "Slots of", "Créneaux de"),
    ("booking.col.start", "Start", "Début"),
    ("booking.col.seats", "Seats left", "Places restantes"),
    ("booking.seats_of", "{n} of {total}", "{n} sur {total}"),
    ("booking.book", "Book", "Réserver"),
    ("booking.full", "Full", "Complet"),
    ("booking.booked_badge", "Booked", "Réservé"),
    (
        "booking.exam_already_booked",
        "You have booked this exam. To choose another slot, cancel that booking first.",
        "Vous avez réservé cet examen. Pour choisir un autre créneau, annulez d'abord cette réservation.",
    ),
    // The admins' bookings page.
    ("admin.bookings.title", "Bookings", "Réservations"),
    ("admin.bookings.exam", "Exam", "Examen"),
    ("admin.bookings.all_exams", "All exams", "Tous les examens"),
    ("admin.bookings.slot", "Slot", "Créneau"),
    ("admin.bookings.all_slots", "All slots", "Tous les créneaux"),
    ("admin.bookings.student", "Student (name or email)", "Étudiant (nom ou adresse e-mail)"),
    ("admin.bookings.student_col", "Student", "Étudiant"),
    ("admin.bookings.status", "Status", "Statut"),
    ("admin.bookings.all_statuses", "All", "Toutes"),
    ("admin.bookings.status_active", "Active", "Actives"),
    ("admin.bookings.status_cancelled", "Cancelled", "Annulées"),
    ("admin.bookings.search_submit", "Search", "Rechercher"),
    ("admin.bookings.found", "Bookings found: {n}", "Réservations trouvées : {n}"),
    ("admin.bookings.none", "No booking matches these filters.", "Aucune réservation ne correspond à ces filtres."),
    ("admin.bookings.booked_at", "Booked on", "Réservée le"),
    ("admin.bookings.actions", "Actions", "Actions"),
    ("admin.bookings.pages", "Pages of bookings", "Pages de réservations"),
    ("admin.bookings.cancel_open", "Cancel…", "Annuler…"),
    (
        "admin.bookings.note_label",
        "Message to the student (sent with the cancellation)",
        "Message à l'étudiant (envoyé avec l'annulation)",
    ),
    ("admin.bookings.cancel_submit", "Cancel the booking", "Annuler la réservation"),
    (
        "admin.bookings.cancelled",
        "Booking cancelled. The student has been notified.",
        "Réservation annulée. L'étudiant a été prévenu.",
    ),
    (
        "admin.bookings.note_required",
        "Write the reason the student will read.",
        "Écrivez le motif que l'étudiant lira.",
    ),
    (
        "admin.bookings.note_too_long",
        "The message is limited to 1,000 characters.",
        "Le message est limité à 1 000 caractères.",
    ),
    (
        "admin.bookings.note_invalid",
        "The message contains characters that cannot be sent.",
        "Le message contient des caractères qui ne peuvent pas être envoyés.",
    ),
    (
        "admin.bookings.error.started",
        "The student has started this exam: stop the session from the live panel instead.",
        "L'étudiant a commencé cet examen : arrêtez plutôt la session depuis le suivi en direct.",
    ),
    ("admin.bookings.reason.by_student", "by the student", "par l'étudiant"),
    ("admin.bookings.reason.slot_removed", "slot removed by the teacher", "créneau supprimé par l'enseignant"),
    ("admin.bookings.reason.by_admin", "by the administration", "par l'administration"),
    ("admin.bookings.reason.exam_withdrawn", "exam withdrawn", "examen retiré"),
    ("admin.bookings.error.over", "This slot is over.", "Ce créneau est terminé."),
    ("admin.bookings.error.already", "This booking is already cancelled.", "Cette réservation est déjà annulée."),
];

#[cfg(test)]
mod tests {
    use super::super::flash::Notice;
    use super::super::service::BookingRefusal;
    use super::super::status::{BookingStatus, CancelReason};
    use crate::i18n::Lang;

    /// Keys reached through a variable escape the source scan of `i18n`: check them here.
    #[test]
    fn keys_given_by_value_exist() {
        crate::i18n::install(&[super::MESSAGES]);
        let reasons =
            [CancelReason::ByStudent, CancelReason::SlotRemoved, CancelReason::ByAdmin, CancelReason::ExamWithdrawn];
        let statuses = [
            BookingStatus::Scheduled,
            BookingStatus::Open,
            BookingStatus::InProgress,
            BookingStatus::Completed,
            BookingStatus::Cancelled(CancelReason::ByStudent),
            BookingStatus::Missed,
        ];
        let refusals = [
            BookingRefusal::Unavailable,
            BookingRefusal::TooLate,
            BookingRefusal::Full,
            BookingRefusal::AlreadyBooked,
            BookingRefusal::Overlap,
        ];
        let keys = reasons
            .iter()
            .map(|r| r.label_key())
            .chain(statuses.iter().map(|s| s.label_key()))
            .chain(refusals.iter().map(BookingRefusal::message_key))
            .chain([Notice::Booked, Notice::Cancelled].iter().map(|n| n.message_key()))
            .chain(["booking.error.slot_id", "booking.unit.days", "booking.unit.hours", "booking.unit.minutes"]);
        for key in keys {
            assert_ne!(Lang::En.t(key), key, "missing text for {key}");
            assert_ne!(Lang::Fr.t(key), key, "missing text for {key}");
        }
    }
}
