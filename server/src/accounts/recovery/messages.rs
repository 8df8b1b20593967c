//! Interface texts of account recovery: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("recovery.title", "Forgotten password", "Mot de passe oublié"),
    ("recovery.forgot_link", "Forgot your password?", "Mot de passe oublié ?"),
    (
        "recovery.lead",
        "Enter the address of your account: we will email you a link to choose a new password.",
        "Saisissez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.",
    ),
    ("recovery.send", "Send me a link", "M'envoyer un lien"),
    ("recovery.back_to_login", "Back to the login page", "Retour à la connexion"),
    (
        "recovery.sent",
        "If an account exists for {email}, a link to choose a new password is on its way. It works once, for one hour.",
        "Si un compte existe pour {email}, un lien pour choisir un nouveau mot de passe vous a été envoyé. Il fonctionne une fois, pendant une heure.",
    ),
    (
        "recovery.throttled",
        "Too many requests from your connection. Try again in {minutes} min.",
        "Trop de demandes depuis votre connexion. Réessayez dans {minutes} min.",
    ),
    (
        "recovery.invalid",
        "This link does not work: it was already used, it expired, or it is incomplete.",
        "Ce lien ne fonctionne pas : il a déjà servi, il a expiré ou il est incomplet.",
    ),
    ("recovery.ask_again", "Ask for a new link", "Demander un nouveau lien"),
    ("recovery.new_title", "Choose a new password", "Choisir un nouveau mot de passe"),
    (
        "recovery.new_lead",
        "Choose your new password. Every session of your account will be signed out.",
        "Choisissez votre nouveau mot de passe. Toutes les sessions de votre compte seront déconnectées.",
    ),
    ("recovery.set_password", "Set the password", "Enregistrer le mot de passe"),
    (
        "recovery.done",
        "Your password was changed. Log in with the new one.",
        "Votre mot de passe a été changé. Connectez-vous avec le nouveau.",
    ),
    ("recovery.email.subject", "Choose a new ProctorWise password", "Choisissez un nouveau mot de passe ProctorWise"),
    (
        "recovery.email.body",
        "Someone asked to reset the password of your account. The link below works once, for {minutes} minutes. If you did not ask, ignore this email: your password stays the same.",
        "Une réinitialisation du mot de passe de votre compte a été demandée. Le lien ci-dessous fonctionne une fois, pendant {minutes} minutes. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
    ),
    ("recovery.admin.send", "Send a reset link", "Envoyer un lien de réinitialisation"),
    (
        "recovery.admin.sent",
        "A reset link was emailed to the user.",
        "Un lien de réinitialisation a été envoyé à l'utilisateur.",
    ),
    (
        "recovery.admin.inactive",
        "This account is deactivated: reactivate it before sending a link.",
        "Ce compte est désactivé : réactivez-le avant d'envoyer un lien.",
    ),
    ("verify.title", "Confirm your address", "Confirmez votre adresse"),
    (
        "verify.sent",
        "If an account waits for {email}, a link to confirm it is on its way. Open it to log in.",
        "Si un compte attend la confirmation de {email}, un lien vous a été envoyé. Ouvrez-le pour vous connecter.",
    ),
    ("verify.resend_link", "No email? Ask for a new link", "Pas reçu ? Demander un nouveau lien"),
    (
        "verify.resend_lead",
        "Enter the address you registered with: we will send a new confirmation link.",
        "Saisissez l'adresse de votre inscription : nous vous enverrons un nouveau lien de confirmation.",
    ),
    ("verify.email.subject", "Confirm your ProctorWise address", "Confirmez votre adresse ProctorWise"),
    (
        "verify.email.body",
        "Welcome to ProctorWise. Open the link below to confirm your address and log in; it works once, for {hours} hours. If you did not register, ignore this email.",
        "Bienvenue sur ProctorWise. Ouvrez le lien ci-dessous pour confirmer votre adresse et vous connecter ; il fonctionne une fois, pendant {hours} heures. Si vous ne vous êtes pas inscrit, ignorez ce message.",
    ),
    (
        "auth.unverified",
        "Confirm your address first: open the link we emailed you when you registered.",
        "Confirmez d'abord votre adresse : ouvrez le lien envoyé par e-mail lors de votre inscription.",
    ),
];
