//! Interface texts of the exam's detection settings: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("editor.detection.legend", "Monitoring", "Surveillance"),
    (
        "editor.detection.hint",
        "What the webcam checks look for during this exam. A setting you leave as it is follows the platform default.",
        "Ce que la surveillance par webcam vérifie pendant cet examen. Un réglage laissé tel quel suit la valeur par défaut de la plateforme.",
    ),
    (
        "editor.detection.faces",
        "Check faces (nobody in view, more than one person)",
        "Vérifier les visages (personne devant la caméra, plus d'une personne)",
    ),
    ("editor.detection.objects", "Look for forbidden objects", "Rechercher les objets interdits"),
    ("editor.detection.faces_short", "Face checks", "Vérification des visages"),
    ("editor.detection.objects_short", "Forbidden-object checks", "Recherche d'objets interdits"),
    ("editor.detection.labels", "Forbidden objects", "Objets interdits"),
    (
        "editor.detection.labels_hint",
        "The platform default is: {labels}. While exactly these are ticked, the exam follows the default.",
        "Par défaut : {labels}. Tant que ce sont exactement ceux-ci qui sont cochés, l'examen suit la valeur par défaut.",
    ),
    ("editor.detection.labels_choose", "Choose the objects ({n} ticked)", "Choisir les objets ({n} cochés)"),
    ("editor.detection.weights", "Risk weights", "Poids dans le score de risque"),
    (
        "editor.detection.weights_hint",
        "Points each anomaly adds to a session's risk score (capped at 100), by severity: a whole number from 0 to 100. Leave a field empty to keep the platform default.",
        "Points qu'ajoute chaque anomalie au score de risque d'une session (plafonné à 100), selon sa gravité : un nombre entier de 0 à 100. Laissez un champ vide pour garder la valeur par défaut.",
    ),
    ("editor.detection.weight.low", "Low severity (default: {n})", "Gravité faible (par défaut : {n})"),
    ("editor.detection.weight.medium", "Medium severity (default: {n})", "Gravité moyenne (par défaut : {n})"),
    ("editor.detection.weight.high", "High severity (default: {n})", "Gravité élevée (par défaut : {n})"),
    ("editor.detection.weight.critical", "Critical severity (default: {n})", "Gravité critique (par défaut : {n})"),
    ("editor.detection.severity.low", "low", "faible"),
    ("editor.detection.severity.medium", "medium", "moyenne"),
    ("editor.detection.severity.high", "high", "élevée"),
    ("editor.detection.severity.critical", "critical", "critique"),
    ("editor.detection.default_mark", "(default)", "(par défaut)"),
    (
        "editor.error.forbidden_unknown",
        "The detector does not know {labels}. Choose the forbidden objects from the list.",
        "Le détecteur ne connaît pas {labels}. Choisissez les objets interdits dans la liste.",
    ),
    (
        "editor.error.forbidden_empty",
        "Tick at least one forbidden object, or turn off the search for forbidden objects.",
        "Cochez au moins un objet interdit, ou désactivez la recherche d'objets interdits.",
    ),
    (
        "editor.error.risk_weight",
        "Enter a whole number from 0 to 100, or leave the field empty for the default.",
        "Saisissez un nombre entier de 0 à 100, ou laissez le champ vide pour la valeur par défaut.",
    ),
];
