//! Interface texts of the profile: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("profile.title", "My profile", "Mon profil"),
    ("profile.account", "Account", "Compte"),
    ("profile.email", "Email", "Adresse e-mail"),
    ("profile.role", "Role", "Rôle"),
    ("profile.member_since", "Member since", "Membre depuis"),
    ("profile.name_title", "Name", "Nom"),
    ("profile.save_name", "Save the name", "Enregistrer le nom"),
    ("profile.name_saved", "Your name was saved.", "Votre nom a été enregistré."),
    ("profile.password_title", "Password", "Mot de passe"),
    (
        "profile.password_lead",
        "Changing your password signs you out everywhere else (other browsers and API tokens).",
        "Changer de mot de passe vous déconnecte partout ailleurs (autres navigateurs et jetons d'API).",
    ),
    ("profile.current_password", "Current password", "Mot de passe actuel"),
    ("profile.new_password", "New password", "Nouveau mot de passe"),
    ("profile.change_password", "Change the password", "Changer le mot de passe"),
    (
        "profile.password_changed",
        "Your password was changed. Your other sessions were signed out.",
        "Votre mot de passe a été changé. Vos autres sessions ont été déconnectées.",
    ),
    ("profile.error.current_required", "Enter your current password.", "Saisissez votre mot de passe actuel."),
    ("profile.error.current_wrong", "The current password is not correct.", "Le mot de passe actuel est incorrect."),
    (
        "profile.error.same_password",
        "Choose a password different from the current one.",
        "Choisissez un mot de passe différent de l'actuel.",
    ),
];
