//! Interface texts of the detection context: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    ("check.title", "Equipment check", "Vérification du matériel"),
    (
        "check.intro",
        "Check your camera and framing before an exam. Nothing is recorded or sent on this page: the image is analysed in your browser.",
        "Vérifiez votre caméra et votre cadrage avant un examen. Rien n'est enregistré ni envoyé sur cette page : l'image est analysée dans votre navigateur.",
    ),
    ("check.start", "Test my camera", "Tester ma caméra"),
    ("check.camera_ok", "Camera working.", "La caméra fonctionne."),
    (
        "check.camera_denied",
        "The camera is blocked or missing. Allow it in your browser (icon in the address bar) and try again.",
        "La caméra est bloquée ou absente. Autorisez-la dans votre navigateur (icône dans la barre d'adresse) et réessayez.",
    ),
    ("check.loading", "Starting the face check…", "Démarrage de la vérification du visage…"),
    ("check.one_face", "One face detected: your framing is good.", "Un visage détecté : votre cadrage est bon."),
    (
        "check.no_face",
        "No face detected: face the camera and light your face from the front.",
        "Aucun visage détecté : placez-vous face à la caméra et éclairez votre visage de face.",
    ),
    (
        "check.many_faces",
        "Several faces detected: you must be alone in view during the exam.",
        "Plusieurs visages détectés : vous devez être seul dans le champ pendant l'examen.",
    ),
    (
        "check.unavailable",
        "This browser cannot run the face check (WebAssembly with SIMD is needed). You can still take exams: your images will be analysed on the server instead.",
        "Ce navigateur ne peut pas exécuter la vérification du visage (WebAssembly avec SIMD est nécessaire). Vous pouvez tout de même passer vos examens : vos images seront analysées sur le serveur.",
    ),
    ("check.timing", "Analysis time per image", "Temps d'analyse par image"),
    ("check.objects", "Objects in view", "Objets visibles"),
    ("check.link", "Check my camera", "Vérifier ma caméra"),
];
